/* ctype.h for tasks: character classes of the "C" locale, ASCII (docs/task-runtime.md). */
#ifndef SHOJI_CTYPE_H
#define SHOJI_CTYPE_H

/* (lib/ctype.c) C11 7.4 in the "C" locale: @c is EOF (-1) or an unsigned
 * char value; bytes above 127 are in no class.  Other values return 0
 * (C leaves them undefined). */
int isalnum(int c);
int isalpha(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int tolower(int c);
int toupper(int c);

#endif
