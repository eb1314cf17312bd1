/* qsort: introsort (quicksort, heapsort past a depth limit, insertion sort for short runs). */
#include <stddef.h>
#include <stdlib.h>

typedef int (*cmp_fn)(const void *, const void *);

/* Runs this short are finished by insertion sort. */
#define SHORT_RUN 12

static void swap(char *a, char *b, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		char t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

static void insertion_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
			swap(base + (j - 1) * size, base + j * size, size);
}

/* Restores the max-heap below @root in the first @n elements. */
static void sift_down(char *base, size_t root, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap(base + root * size, base + child * size, size);
	}
}

static void heap_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(base, i, n, size, cmp);
	for (size_t end = n; end-- > 1;) {
		swap(base, base + end * size, size);
		sift_down(base, 0, end, size, cmp);
	}
}

/* Moves the median of the first, middle and last elements to the front,
 * the pivot: sorted and reversed input split evenly. */
static void pivot_to_front(char *base, size_t n, size_t size, cmp_fn cmp)
{
	char *a = base, *b = base + (n / 2) * size, *c = base + (n - 1) * size;
	char *m;
	if (cmp(a, b) < 0)
		m = cmp(b, c) < 0 ? b : (cmp(a, c) < 0 ? c : a);
	else
		m = cmp(a, c) < 0 ? a : (cmp(b, c) < 0 ? c : b);
	if (m != a)
		swap(a, m, size);
}

/* Hoare partition around the front element; returns the pivot's final
 * index.  Equal keys stop both scans, so runs of one key split evenly. */
static size_t partition(char *base, size_t n, size_t size, cmp_fn cmp)
{
	size_t i = 0, j = n;
	for (;;) {
		do
			i++;
		while (i < n && cmp(base + i * size, base) < 0);
		do
			j--;
		while (cmp(base + j * size, base) > 0);
		if (i >= j)
			break;
		swap(base + i * size, base + j * size, size);
	}
	swap(base, base + j * size, size);
	return j;
}

/* Sorts @n elements, recursing on the smaller side (stack depth log n)
 * and turning to heapsort after @depth splits. */
static void introsort(char *base, size_t n, size_t size, cmp_fn cmp, int depth)
{
	while (n > SHORT_RUN) {
		if (depth-- == 0) {
			heap_sort(base, n, size, cmp);
			return;
		}
		pivot_to_front(base, n, size, cmp);
		size_t p = partition(base, n, size, cmp);
		if (p < n - p - 1) {
			introsort(base, p, size, cmp, depth);
			base += (p + 1) * size;
			n -= p + 1;
		} else {
			introsort(base + (p + 1) * size, n - p - 1, size, cmp, depth);
			n = p;
		}
	}
	insertion_sort(base, n, size, cmp);
}

void qsort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *))
{
	int depth = 0;
	for (size_t n = count; n > 1; n >>= 1)
		depth += 2;
	if (size)
		introsort(base, count, size, cmp, depth);
}
