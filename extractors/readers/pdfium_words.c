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

/* ------------------------------------------------------------------------------------------------
 * Words → lines: the row grouping and gutter splitting of `extractors.readers.lines.build_lines`
 * (see there; the Python version stays the reference and the fallback), on the words' boxes:
 * coords holds all x0, then all top, all x1, all bottom.
 * order[] gets the word indices in reading order, line_start[] where each line begins in it
 * (line_start[lines] = n). page_height < 0 stands for None. Returns the number of lines, or -1
 * when out of memory. Coordinates must be finite (the caller checks).
 */
#include <math.h>
#include <stdlib.h>

typedef struct { double mid, x0; int32_t i; } row_key;
typedef struct { double x0; int32_t pos; int32_t i; } x_key;

static int by_centre(const void *a, const void *b) {
    const row_key *p = a, *q = b;
    if (p->mid != q->mid) return p->mid < q->mid ? -1 : 1;
    if (p->x0 != q->x0) return p->x0 < q->x0 ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

static int by_x0(const void *a, const void *b) {   /* stable: ties keep their row order */
    const x_key *p = a, *q = b;
    if (p->x0 != q->x0) return p->x0 < q->x0 ? -1 : 1;
    return (p->pos > q->pos) - (p->pos < q->pos);
}

static int by_value(const void *a, const void *b) {
    double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof(double), by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int congvan_lines(int n, const double *coords, double page_width, double page_height, int32_t *order,
                  int32_t *line_start) {
    const double *x0 = coords, *top = coords + n, *x1 = coords + 2 * n, *bottom = coords + 3 * n;
    row_key *keys = malloc(sizeof(row_key) * (n ? n : 1));
    x_key *row = malloc(sizeof(x_key) * (n ? n : 1));
    double *mids = malloc(sizeof(double) * (n ? n : 1)), *heights = malloc(sizeof(double) * (n ? n : 1));
    int32_t *piece_first = malloc(sizeof(int32_t) * (n + 1));
    int lines = 0, out = 0;
    if (!keys || !row || !mids || !heights || !piece_first) {
        free(keys); free(row); free(mids); free(heights); free(piece_first);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        keys[i].mid = (top[i] + bottom[i]) / 2;
        keys[i].x0 = x0[i];
        keys[i].i = i;
    }
    qsort(keys, n, sizeof(row_key), by_centre);
    double half_width = page_width / 2;
    int k = 0;
    while (k < n) {
        /* one row: words whose centre is within half a line height of the row's running median */
        int count = 0;
        double row_mid = keys[k].mid;
        while (k < n) {
            int i = keys[k].i;
            double height = bottom[i] - top[i];
            if (count > 0 && !(fabs(keys[k].mid - row_mid) <= 0.5 * (height > 1.0 ? height : 1.0))) break;
            mids[count] = keys[k].mid;
            row[count].x0 = x0[i];
            row[count].pos = count;
            row[count].i = i;
            count++;
            row_mid = count % 2 ? mids[count / 2] : (mids[count / 2 - 1] + mids[count / 2]) / 2;
            k++;
        }
        qsort(row, count, sizeof(x_key), by_x0);
        for (int j = 0; j < count; j++) heights[j] = bottom[row[j].i] - top[row[j].i];
        double height = median(heights, count);
        if (height == 0.0) height = 10.0;             /* Python: `or 10.0` */
        double gutter = 2.0 * height;
        /* pieces split at wide gaps (and, with a page height, narrow ones near the centre of the
         * header), then pieces on the same side of the page centre joined again */
        int pieces = 0;
        piece_first[pieces++] = 0;
        for (int j = 1; j < count; j++) {
            int w = row[j].i, prev = row[j - 1].i;
            double gap = x0[w] - x1[prev];
            double centre = (x0[w] + x1[prev]) / 2;
            int narrow = page_height >= 0 && top[w] < 0.18 * page_height && gap > 0.9 * height &&
                         0.35 * page_width <= centre && centre <= 0.6 * page_width;
            if (gap > gutter || narrow) piece_first[pieces++] = j;
        }
        piece_first[pieces] = count;
        int merged_first = 0, merged_last = piece_first[1] - 1;
        line_start[lines++] = out;
        for (int p = 1; p < pieces; p++) {
            int first = piece_first[p], last = piece_first[p + 1] - 1;
            int same_side = (x1[row[merged_last].i] <= half_width && x1[row[last].i] <= half_width) ||
                            (x0[row[merged_first].i] >= half_width && x0[row[first].i] >= half_width);
            if (same_side) {
                merged_last = last;
            } else {
                for (int j = merged_first; j <= merged_last; j++) order[out++] = row[j].i;
                line_start[lines++] = out;
                merged_first = first;
                merged_last = last;
            }
        }
        for (int j = merged_first; j <= merged_last; j++) order[out++] = row[j].i;
    }
    line_start[lines] = out;
    free(keys); free(row); free(mids); free(heights); free(piece_first);
    return lines;
}
