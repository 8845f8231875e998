/* The per-word work of `extractors.readers.pdf.pdfium_words` that needs a pdfium call or a look at
 * every character, in one call per page.
 *
 * Built by `python -m extractors.readers.native` (scripts/setup.sh runs it); without it the reader
 * does the same in Python (`pdf.word_spans`, `pdf._word_boxes`: ~1,000 pdfium calls a page at about
 * 0.3 us each through ctypes, and a regex over the text). pdfium's functions are passed in as
 * pointers, so this links against nothing.
 *
 * text: the page text as code points (UTF-32), n of them,
 * one per pdfium char, without U+FFFE (the caller takes the Python path for line-end hyphens).
 * A word is a maximal run of chars that are neither white space (as Python's str.isspace), nor a
 * C0 control, nor U+FFFF. For word k (chars starts[k] .. ends[k]-1):
 *   first[k]  the text object drawing its first char (0 for a generated char);
 *   last[k]   the one drawing its last char; taken to be first[k] for a one-char word or when the
 *             next word starts in the same object (a text object's chars are one run of pdfium's
 *             char list), else looked up;
 *   x[k], y[k] its first char's origin; right[k] its last char's loose box right edge.
 * A failed call leaves the previous values, as pdfium leaves the caller's buffers untouched.
 * For each run of words whose first chars lie in one text object (not 0), from its first char:
 *   run_word[r] its first word; run_ok[r] whether the three calls below succeeded (the name fit);
 *   names[256 r ..] the font name (FPDFText_GetFontInfo), size[r] FPDFText_GetFontSize,
 *   matrix[4 r ..] a, b, c, d of FPDFText_GetMatrix.
 * The output arrays hold (n + 1) / 2 words or runs, the most n chars can make. Returns the word
 * count; *runs gets the run count.
 */
#include <stdint.h>

typedef struct { float left, top, right, bottom; } rectf;
typedef void *(*get_object_fn)(void *, int);
typedef int (*char_origin_fn)(void *, int, double *, double *);
typedef int (*loose_box_fn)(void *, int, rectf *);
typedef struct { float a, b, c, d, e, f; } matrixf;
typedef unsigned long (*font_info_fn)(void *, int, void *, unsigned long, int *);
typedef int (*matrix_fn)(void *, int, matrixf *);
typedef double (*font_size_fn)(void *, int);

static int separator(uint32_t c) {
    if (c <= 0x20) return 1;   /* C0 controls (white space 9-13 and 28-31 among them), space */
    if (c < 0x85) return 0;
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFFFF;
}

int congvan_separator(uint32_t c) { return separator(c); }

int congvan_page_words(void *page, get_object_fn get_object, char_origin_fn char_origin,
                       loose_box_fn loose_box, font_info_fn font_info, matrix_fn get_matrix,
                       font_size_fn font_size, const uint32_t *text, int n,
                       int32_t *starts, int32_t *ends, uint64_t *first, uint64_t *last,
                       double *x, double *y, double *right, int32_t *runs,
                       int32_t *run_word, int32_t *run_ok, char *names, double *size, double *matrix) {
    int words = 0;
    for (int i = 0; i < n;) {
        while (i < n && separator(text[i])) i++;
        if (i >= n) break;
        starts[words] = i;
        while (i < n && !separator(text[i])) i++;
        ends[words++] = i;
    }
    double ox = 0.0, oy = 0.0;
    rectf box = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int k = 0; k < words; k++)
        first[k] = (uint64_t)(uintptr_t)get_object(page, starts[k]);
    for (int k = 0; k < words; k++) {
        int start = starts[k], end = ends[k];
        if (end - start == 1 || (first[k] != 0 && k + 1 < words && first[k + 1] == first[k]))
            last[k] = first[k];
        else
            last[k] = (uint64_t)(uintptr_t)get_object(page, end - 1);
        char_origin(page, start, &ox, &oy);
        loose_box(page, end - 1, &box);
        x[k] = ox;
        y[k] = oy;
        right[k] = (double)box.right;
    }
    int r = 0;
    for (int k = 0; k < words; k++) {
        if (first[k] == 0 || (k > 0 && first[k] == first[k - 1])) continue;
        int flags = 0;
        matrixf m = {0, 0, 0, 0, 0, 0};
        unsigned long length = font_info(page, starts[k], names + 256 * r, 256, &flags);
        int matrix_ok = get_matrix(page, starts[k], &m);
        size[r] = font_size(page, starts[k]);
        matrix[4 * r] = m.a;
        matrix[4 * r + 1] = m.b;
        matrix[4 * r + 2] = m.c;
        matrix[4 * r + 3] = m.d;
        run_word[r] = k;
        run_ok[r] = length > 0 && length <= 256 && matrix_ok;
        r++;
    }
    *runs = r;
    return words;
}
