#ifndef RECASKETCH_JPEG_CODEC_H
#define RECASKETCH_JPEG_CODEC_H

#include <stddef.h>

/*
 * JPEG through libjpeg's classic API with an error manager that long-jumps back inside this file, so a damaged
 * file becomes an error code and a message for the caller: libjpeg's default handler would end the process, and
 * Swift cannot be unwound by longjmp. Warnings (a truncated file, corrupt entropy data) count as errors too:
 * libjpeg would otherwise return a picture filled in with grey.
 */

/* Capacity of a codec's message, libjpeg's JMSG_LENGTH_MAX. */
#define RECASKETCH_JPEG_MESSAGE_CAPACITY 200

typedef struct recasketch_jpeg_decoder recasketch_jpeg_decoder;

/* A decoder, reusable for any number of images one after the other; NULL when out of memory. */
recasketch_jpeg_decoder *recasketch_jpeg_decoder_create(void);
void recasketch_jpeg_decoder_destroy(recasketch_jpeg_decoder *decoder);

/*
 * Reads the headers of `size` bytes at `data` (which must stay valid until the decode ends) and reports the
 * picture's size. Returns 0, or -1 with the reason in recasketch_jpeg_decoder_message.
 */
int recasketch_jpeg_decoder_read_header(recasketch_jpeg_decoder *decoder, const unsigned char *data, size_t size,
                                        int *width, int *height);

/* Decodes the picture whose header was read into `pixels`: width × height × 3 bytes, RGB, rows top to bottom.
 * Returns 0, or -1 with the reason in recasketch_jpeg_decoder_message. */
int recasketch_jpeg_decoder_decode_rgb(recasketch_jpeg_decoder *decoder, unsigned char *pixels);

/* Why the last call failed. */
const char *recasketch_jpeg_decoder_message(const recasketch_jpeg_decoder *decoder);

/*
 * Encodes width × height RGB pixels as a baseline JPEG of `quality` (1–100). On success returns 0 and sets *output
 * to a buffer of *output_size bytes that the caller frees with recasketch_jpeg_free; else returns -1 and copies
 * the reason into `message` (RECASKETCH_JPEG_MESSAGE_CAPACITY bytes).
 */
int recasketch_jpeg_encode_rgb(const unsigned char *pixels, int width, int height, int quality,
                               unsigned char **output, unsigned long *output_size, char *message);
void recasketch_jpeg_free(unsigned char *buffer);

#endif
