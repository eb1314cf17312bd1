/* assert.h for tasks: assert() prints the failed expression and aborts (docs/task-runtime.md). */
/* No include guard: C11 7.2 has assert follow NDEBUG at each inclusion. */
#undef assert
#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
/* (lib/assert.c) Prints "assertion failed: EXPR, file F, line L,
 * function FN" and calls abort(). */
_Noreturn void __assert_fail_shoji(const char *expr, const char *file, int line, const char *func);
#define assert(expr) ((expr) ? (void)0 : __assert_fail_shoji(#expr, __FILE__, __LINE__, __func__))
#endif

#ifndef static_assert
#define static_assert _Static_assert
#endif
