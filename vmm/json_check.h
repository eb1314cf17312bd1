/* Interface of vmm/json_check.c: a strict JSON (RFC 8259) validator for RESULT lines. */
#ifndef SHOJI_VMM_JSON_CHECK_H
#define SHOJI_VMM_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* Objects and arrays nested deeper than this are refused (the recursion's bound). */
#define JSON_DEPTH_MAX 32

/*
 * json_check_object - whether @s[0..@n) is exactly one JSON object
 * (RFC 8259: strings of valid UTF-8 with no raw control characters and
 * only the escapes of section 7, numbers of section 6, true, false,
 * null), with only JSON whitespace around it and no NUL anywhere.
 * Returns true, or false with *@why set to a constant reason ("not an
 * object", "bad string escape", ...).  Reads nothing beyond @n bytes.
 */
bool json_check_object(const char *s, size_t n, const char **why);

#endif
