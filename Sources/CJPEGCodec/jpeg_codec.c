#include "jpeg_codec.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/* libjpeg's error manager, extended with where to jump back to and the formatted reason. */
struct jump_error_manager {
    struct jpeg_error_mgr library;
    jmp_buf return_point;
    char message[JMSG_LENGTH_MAX];
};

static void jump_on_error(j_common_ptr codec) {
    struct jump_error_manager *errors = (struct jump_error_manager *)codec->err;
    (*codec->err->format_message)(codec, errors->message);
    longjmp(errors->return_point, 1);
}

/* Level -1 is a warning, such as "Premature end of JPEG file": treat it as the error it is for a thumbnail.
 * Higher levels are trace messages, ignored. */
static void jump_on_warning(j_common_ptr codec, int level) {
    if (level < 0) jump_on_error(codec);
}

static void silence(j_common_ptr codec) { (void)codec; }

static void install_jumping_errors(struct jump_error_manager *errors) {
    jpeg_std_error(&errors->library);
    errors->library.error_exit = jump_on_error;
    errors->library.emit_message = jump_on_warning;
    errors->library.output_message = silence;
    errors->message[0] = '\0';
}

struct recasketch_jpeg_decoder {
    struct jpeg_decompress_struct codec;
    struct jump_error_manager errors;
    int has_header;
};

recasketch_jpeg_decoder *recasketch_jpeg_decoder_create(void) {
    recasketch_jpeg_decoder *volatile decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) return NULL;
    install_jumping_errors(&decoder->errors);
    decoder->codec.err = &decoder->errors.library;
    if (setjmp(decoder->errors.return_point)) {
        free(decoder);
        return NULL;
    }
    jpeg_create_decompress(&decoder->codec);
    return decoder;
}

void recasketch_jpeg_decoder_destroy(recasketch_jpeg_decoder *decoder) {
    if (decoder == NULL) return;
    jpeg_destroy_decompress(&decoder->codec);
    free(decoder);
}

const char *recasketch_jpeg_decoder_message(const recasketch_jpeg_decoder *decoder) {
    return decoder->errors.message[0] ? decoder->errors.message : "unknown error";
}

int recasketch_jpeg_decoder_read_header(recasketch_jpeg_decoder *decoder, const unsigned char *data, size_t size,
                                        int *width, int *height) {
    decoder->errors.message[0] = '\0';
    decoder->has_header = 0;
    if (setjmp(decoder->errors.return_point)) {
        jpeg_abort_decompress(&decoder->codec);
        return -1;
    }
    /* Aborting returns the object to its idle state, whatever the previous image left behind. */
    jpeg_abort_decompress(&decoder->codec);
    jpeg_mem_src(&decoder->codec, data, (unsigned long)size);
    jpeg_read_header(&decoder->codec, TRUE);
    switch (decoder->codec.jpeg_color_space) {
    case JCS_CMYK:
    case JCS_YCCK:
        decoder->codec.out_color_space = JCS_CMYK;
        break;
    default:
        /* Greyscale, YCbCr and RGB all convert to RGB inside libjpeg-turbo. */
        decoder->codec.out_color_space = JCS_RGB;
        break;
    }
    decoder->codec.dct_method = JDCT_ISLOW;
    *width = (int)decoder->codec.image_width;
    *height = (int)decoder->codec.image_height;
    decoder->has_header = 1;
    return 0;
}

/* Adobe writes CMYK JPEGs inverted (0 is full ink); libjpeg hands them back as stored. */
static void cmyk_row_to_rgb(const unsigned char *cmyk, unsigned char *rgb, JDIMENSION width, int inverted) {
    for (JDIMENSION x = 0; x < width; x++) {
        unsigned c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
        if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        rgb[3 * x] = (unsigned char)((c * k + 127) / 255);
        rgb[3 * x + 1] = (unsigned char)((m * k + 127) / 255);
        rgb[3 * x + 2] = (unsigned char)((y * k + 127) / 255);
    }
}

int recasketch_jpeg_decoder_decode_rgb(recasketch_jpeg_decoder *decoder, unsigned char *pixels) {
    struct jpeg_decompress_struct *codec = &decoder->codec;
    /* volatile: it is read after a longjmp. */
    unsigned char *volatile cmyk_row = NULL;
    if (!decoder->has_header) {
        snprintf(decoder->errors.message, sizeof decoder->errors.message, "no JPEG header read");
        return -1;
    }
    decoder->has_header = 0;
    if (setjmp(decoder->errors.return_point)) {
        free(cmyk_row);
        jpeg_abort_decompress(codec);
        return -1;
    }
    jpeg_start_decompress(codec);
    const size_t stride = (size_t)codec->output_width * 3;
    if (codec->out_color_space == JCS_CMYK) {
        cmyk_row = malloc((size_t)codec->output_width * 4);
        if (cmyk_row == NULL) {
            snprintf(decoder->errors.message, sizeof decoder->errors.message, "out of memory");
            jpeg_abort_decompress(codec);
            return -1;
        }
        int inverted = codec->saw_Adobe_marker;
        while (codec->output_scanline < codec->output_height) {
            JSAMPROW row = cmyk_row;
            unsigned char *target = pixels + (size_t)codec->output_scanline * stride;
            jpeg_read_scanlines(codec, &row, 1);
            cmyk_row_to_rgb(cmyk_row, target, codec->output_width, inverted);
        }
        free(cmyk_row);
        cmyk_row = NULL;
    } else {
        /* Hand libjpeg as many rows as it likes to produce at once (its output buffer height). */
        JSAMPROW rows[16];
        while (codec->output_scanline < codec->output_height) {
            JDIMENSION count = codec->output_height - codec->output_scanline;
            if (count > 16) count = 16;
            for (JDIMENSION i = 0; i < count; i++) rows[i] = pixels + (size_t)(codec->output_scanline + i) * stride;
            jpeg_read_scanlines(codec, rows, count);
        }
    }
    jpeg_finish_decompress(codec);
    return 0;
}

/* A destination that grows a buffer this file owns, so an error part-way can always free it (libjpeg's own
 * memory destination publishes its buffer only when compression finishes). */
struct growing_destination {
    struct jpeg_destination_mgr library;
    unsigned char *buffer;
    size_t capacity;
};

static void start_destination(j_compress_ptr codec) { (void)codec; }

static boolean grow_destination(j_compress_ptr codec) {
    struct growing_destination *destination = (struct growing_destination *)codec->dest;
    size_t capacity = destination->capacity * 2;
    unsigned char *grown = realloc(destination->buffer, capacity);
    if (grown == NULL) ERREXIT1(codec, JERR_OUT_OF_MEMORY, 10);
    destination->buffer = grown;
    destination->library.next_output_byte = grown + destination->capacity;
    destination->library.free_in_buffer = capacity - destination->capacity;
    destination->capacity = capacity;
    return TRUE;
}

static void finish_destination(j_compress_ptr codec) { (void)codec; }

int recasketch_jpeg_encode_rgb(const unsigned char *pixels, int width, int height, int quality,
                               unsigned char **output, unsigned long *output_size, char *message) {
    struct jpeg_compress_struct codec;
    struct jump_error_manager errors;
    /* On the heap, so the pointer stays the same across the long jump and the buffer can be freed. */
    struct growing_destination *destination = calloc(1, sizeof *destination);
    unsigned char *buffer = malloc(16384);
    install_jumping_errors(&errors);
    codec.err = &errors.library;
    *output = NULL;
    *output_size = 0;
    if (destination == NULL || buffer == NULL) {
        free(destination);
        free(buffer);
        snprintf(message, RECASKETCH_JPEG_MESSAGE_CAPACITY, "out of memory");
        return -1;
    }
    destination->buffer = buffer;
    destination->capacity = 16384;
    if (setjmp(errors.return_point)) {
        jpeg_destroy_compress(&codec);
        free(destination->buffer);
        free(destination);
        snprintf(message, RECASKETCH_JPEG_MESSAGE_CAPACITY, "%s", errors.message);
        return -1;
    }
    jpeg_create_compress(&codec);
    destination->library.init_destination = start_destination;
    destination->library.empty_output_buffer = grow_destination;
    destination->library.term_destination = finish_destination;
    destination->library.next_output_byte = destination->buffer;
    destination->library.free_in_buffer = destination->capacity;
    codec.dest = &destination->library;
    codec.image_width = (JDIMENSION)width;
    codec.image_height = (JDIMENSION)height;
    codec.input_components = 3;
    codec.in_color_space = JCS_RGB;
    jpeg_set_defaults(&codec);
    jpeg_set_quality(&codec, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    jpeg_start_compress(&codec, TRUE);
    const size_t stride = (size_t)width * 3;
    while (codec.next_scanline < codec.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)codec.next_scanline * stride);
        jpeg_write_scanlines(&codec, &row, 1);
    }
    jpeg_finish_compress(&codec);
    *output_size = (unsigned long)(destination->capacity - destination->library.free_in_buffer);
    *output = destination->buffer;
    jpeg_destroy_compress(&codec);
    free(destination);
    return 0;
}

void recasketch_jpeg_free(unsigned char *buffer) { free(buffer); }
