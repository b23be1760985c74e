/* pad.c - a read-only data section of PAD_BYTES (default 5 MiB), linked into noop-5mb.so: the
 * no-op hook at the size of a release build of a real agent, to exercise large-hook delivery.
 * Initialised, so it lands in .rodata (in the file), not in .bss.
 */
#ifndef PAD_BYTES
#define PAD_BYTES (5u << 20)
#endif

__attribute__((used, visibility("hidden"))) const unsigned char hl_pad[PAD_BYTES] = {1};
