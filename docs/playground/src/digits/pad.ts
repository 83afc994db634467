// The drawing pad: strokes on a 280 × 280 canvas, turned into a 28 × 28 digit the way MNIST's were
// made: the ink's bounding box scaled into 20 × 20, then moved so its centre of mass is the centre.

/** Canvas side in pixels. */
const SIDE = 280;

/** A pad on a canvas. */
export interface Pad {
  /** Clears the drawing. */
  clear(): void;
  /** 784 grey levels in [0, 1] (row-major 28 × 28), or undefined when nothing is drawn. */
  digit(): Float64Array | undefined;
  /** Shows a 28 × 28 digit on the pad (e.g. a test digit). */
  show(pixels: ArrayLike<number>): void;
}

/**
 * Makes a canvas a drawing pad (mouse, pen and touch through pointer events).
 *
 * @param canvas - the canvas.
 * @param onStroke - called after each stroke ends.
 * @returns the pad.
 */
export function drawingPad(canvas: HTMLCanvasElement, onStroke: () => void): Pad {
  canvas.width = SIDE;
  canvas.height = SIDE;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const clear = (): void => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIDE, SIDE);
  };
  clear();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  let drawing = false;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIDE, ((e.clientY - r.top) / r.height) * SIDE];
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 22;
    ctx.beginPath();
    ctx.moveTo(...at(e));
    ctx.lineTo(...at(e));
    ctx.stroke();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    ctx.lineTo(...at(e));
    ctx.stroke();
  });
  const end = (): void => {
    if (!drawing) return;
    drawing = false;
    onStroke();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  return {
    clear,
    show(pixels) {
      const image = ctx.createImageData(28, 28);
      for (let i = 0; i < 784; i++) {
        const v = Math.round(pixels[i]! * 255);
        image.data.set([v, v, v, 255], i * 4);
      }
      const small = document.createElement('canvas');
      small.width = 28;
      small.height = 28;
      small.getContext('2d')!.putImageData(image, 0, 0);
      clear();
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, SIDE, SIDE);
    },
    digit() {
      const { data } = ctx.getImageData(0, 0, SIDE, SIDE);
      let [top, left, bottom, right] = [SIDE, SIDE, -1, -1];
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          if (data[(y * SIDE + x) * 4]! > 32) [top, left, bottom, right] = [Math.min(top, y), Math.min(left, x), Math.max(bottom, y), Math.max(right, x)];
        }
      }
      if (bottom < 0) return undefined;
      // The ink's box, scaled to fit 20 × 20 (aspect kept), drawn into a 28 × 28 canvas.
      const w = right - left + 1;
      const h = bottom - top + 1;
      const scale = 20 / Math.max(w, h);
      const small = document.createElement('canvas');
      small.width = 28;
      small.height = 28;
      const sctx = small.getContext('2d', { willReadFrequently: true })!;
      sctx.fillStyle = '#000';
      sctx.fillRect(0, 0, 28, 28);
      sctx.imageSmoothingEnabled = true;
      sctx.imageSmoothingQuality = 'high';
      sctx.drawImage(canvas, left, top, w, h, (28 - w * scale) / 2, (28 - h * scale) / 2, w * scale, h * scale);
      const scaled = sctx.getImageData(0, 0, 28, 28).data;
      const grey = Float64Array.from({ length: 784 }, (_, i) => scaled[i * 4]! / 255);
      // Shift by whole pixels so that the centre of mass lands on (14, 14).
      let mass = 0;
      let cx = 0;
      let cy = 0;
      grey.forEach((v, i) => {
        mass += v;
        cx += v * (i % 28);
        cy += v * Math.floor(i / 28);
      });
      const dx = Math.round(13.5 - cx / mass);
      const dy = Math.round(13.5 - cy / mass);
      const out = new Float64Array(784);
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const sx = x - dx;
          const sy = y - dy;
          if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = grey[sy * 28 + sx]!;
        }
      }
      return out;
    },
  };
}
