/** Most threads a matrix product may be split across. */
export const MAX_THREADS = 64;
