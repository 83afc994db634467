// The playground's overview page: links to the four pages, and the kernels line.
import { markReady, showKernels } from '../shared/page.js';

showKernels();
markReady();
