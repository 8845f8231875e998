/* The per-word pdfium calls of `extractors.readers.pdf.pdfium_words`, in one call per page.
 *
 * Built by `python -m extractors.readers.native` (run by scripts/setup.sh); without it the reader
 * makes the same calls from Python (about 1 us each through ctypes, ~1,000 a page).
 * pdfium's functions are passed in as pointers, so this links against nothing.
 *
 * For word k (chars starts[k] .. ends[k]-1 of the text page):
 *   first[k]  the text object drawing its first char (0 for a generated char);
 *   last[k]   the one drawing its last char; taken to be first[k] for a one-char word or when the
 *             next word starts in the same object (a text object's chars are one run of pdfium's
 *             char list), else looked up;
 *   x[k], y[k] its first char's origin; right[k] its last char's loose box right edge.
 * A failed call leaves the previous values, as pdfium leaves the caller's buffers untouched.
 */
#include <stdint.h>

typedef struct { float left, top, right, bottom; } rectf;
typedef void *(*get_object_fn)(void *, int);
typedef int (*char_origin_fn)(void *, int, double *, double *);
typedef int (*loose_box_fn)(void *, int, rectf *);

int congvan_word_boxes(void *page, get_object_fn get_object, char_origin_fn char_origin,
                       loose_box_fn loose_box, int n, const int32_t *starts, const int32_t *ends,
                       uint64_t *first, uint64_t *last, double *x, double *y, double *right) {
    double ox = 0.0, oy = 0.0;
    rectf box = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int k = 0; k < n; k++)
        first[k] = (uint64_t)(uintptr_t)get_object(page, starts[k]);
    for (int k = 0; k < n; k++) {
        int start = starts[k], end = ends[k];
        if (end - start == 1 || (first[k] != 0 && k + 1 < n && first[k + 1] == first[k]))
            last[k] = first[k];
        else
            last[k] = (uint64_t)(uintptr_t)get_object(page, end - 1);
        char_origin(page, start, &ox, &oy);
        loose_box(page, end - 1, &box);
        x[k] = ox;
        y[k] = oy;
        right[k] = (double)box.right;
    }
    return n;
}

int congvan_word_boxes_version(void) { return 1; }
