/*
 * AES-256-GCM encryption through the system's OpenSSL 3 (libcrypto.so.3), for the packet sealer.
 *
 * Why this exists: Node 20 links its own copy of OpenSSL, and on this project's machines its GCM runs at
 * under half the speed of the system library on the same CPU (docs/benchmarks.md, bench/seal.bench.ts:
 * ~2.2 GB/s against ~4.6 GB/s for one 64 KiB buffer encrypted again and again), so node:crypto cannot reach
 * the sealer's target of 60 % of `openssl speed -evp aes-256-gcm`. This addon calls the same EVP interface
 * the `openssl` command uses, in the system library.
 *
 * libcrypto is opened with dlopen(RTLD_LOCAL) and its functions taken with dlsym from that handle, not linked:
 * the node executable exports its own OpenSSL's symbols under the same names, and an ordinary link would bind
 * to those. It also means only the runtime library (Debian's libssl3) is needed, not its headers. The few
 * prototypes and constants below are OpenSSL 3.0's public ABI, from include/openssl/evp.h and crypto.h.
 *
 * Nothing is kept: the key goes straight into OpenSSL's context, which EVP_CIPHER_CTX_free wipes
 * (OPENSSL_cleanse) when the encryption ends, fails or the JavaScript object is collected.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct evp_cipher_st EVP_CIPHER;
typedef struct engine_st ENGINE;

/* include/openssl/evp.h (OpenSSL 3.0). */
#define EVP_CTRL_AEAD_SET_IVLEN 0x9
#define EVP_CTRL_AEAD_GET_TAG 0x10
/* include/openssl/crypto.h: OpenSSL_version(OPENSSL_VERSION) is the "OpenSSL 3.0.x <date>" string. */
#define OPENSSL_VERSION 0

#define KEY_BYTES 32
#define IV_BYTES 12
#define TAG_BYTES 16

static struct {
  EVP_CIPHER_CTX *(*ctx_new)(void);
  void (*ctx_free)(EVP_CIPHER_CTX *);
  const EVP_CIPHER *(*aes_256_gcm)(void);
  int (*init)(EVP_CIPHER_CTX *, const EVP_CIPHER *, ENGINE *, const unsigned char *, const unsigned char *);
  int (*ctrl)(EVP_CIPHER_CTX *, int, int, void *);
  int (*update)(EVP_CIPHER_CTX *, unsigned char *, int *, const unsigned char *, int);
  int (*final)(EVP_CIPHER_CTX *, unsigned char *, int *);
  const char *(*version)(int);
} ssl;

static char load_error[512];

static int load_libcrypto(void) {
  void *lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    snprintf(load_error, sizeof load_error, "the system OpenSSL library libcrypto.so.3 could not be opened: %s", dlerror());
    return 0;
  }
  struct { const char *name; void **slot; } wanted[] = {
      {"EVP_CIPHER_CTX_new", (void **)&ssl.ctx_new},   {"EVP_CIPHER_CTX_free", (void **)&ssl.ctx_free},
      {"EVP_aes_256_gcm", (void **)&ssl.aes_256_gcm},   {"EVP_EncryptInit_ex", (void **)&ssl.init},
      {"EVP_CIPHER_CTX_ctrl", (void **)&ssl.ctrl},      {"EVP_EncryptUpdate", (void **)&ssl.update},
      {"EVP_EncryptFinal_ex", (void **)&ssl.final},     {"OpenSSL_version", (void **)&ssl.version},
  };
  for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
    *wanted[i].slot = dlsym(lib, wanted[i].name);
    if (*wanted[i].slot == NULL) {
      snprintf(load_error, sizeof load_error, "libcrypto.so.3 has no %s (not OpenSSL 3?)", wanted[i].name);
      return 0;
    }
  }
  return 1;
}

#define CHECK(env, call)                                                         \
  do {                                                                           \
    if ((call) != napi_ok) {                                                     \
      const napi_extended_error_info *info = NULL;                               \
      napi_get_last_error_info((env), &info);                                    \
      bool pending = false;                                                      \
      napi_is_exception_pending((env), &pending);                                \
      if (!pending) napi_throw_error((env), NULL, info && info->error_message ? info->error_message : #call); \
      return NULL;                                                               \
    }                                                                            \
  } while (0)

typedef struct {
  EVP_CIPHER_CTX *ctx;
} Encryptor;

static void encryptor_release(Encryptor *self) {
  if (self->ctx != NULL) {
    ssl.ctx_free(self->ctx);
    self->ctx = NULL;
  }
}

static void encryptor_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Encryptor *self = data;
  encryptor_release(self);
  free(self);
}

/* Reads a TypedArray or Buffer argument's bytes; throws a TypeError naming `what` otherwise. */
static int get_bytes(napi_env env, napi_value value, const char *what, uint8_t **data, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) {
    char message[128];
    snprintf(message, sizeof message, "%s must be a Uint8Array or Buffer", what);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
    return 0;
  }
  napi_typedarray_type type;
  size_t element_count = 0, byte_offset = 0;
  napi_value arraybuffer;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, value, &type, &element_count, &raw, &arraybuffer, &byte_offset) != napi_ok) return 0;
  if (type != napi_uint8_array) {
    char message[128];
    snprintf(message, sizeof message, "%s must be a Uint8Array or Buffer", what);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
    return 0;
  }
  *data = raw;
  *length = element_count;
  return 1;
}

static Encryptor *unwrap_open(napi_env env, napi_value this_arg) {
  Encryptor *self = NULL;
  if (napi_unwrap(env, this_arg, (void **)&self) != napi_ok || self == NULL) {
    napi_throw_type_error(env, NULL, "not an Encryptor");
    return NULL;
  }
  if (self->ctx == NULL) {
    napi_throw_error(env, "ERR_CRYPTO_INVALID_STATE", "this encryption has already ended (final() or free() was called)");
    return NULL;
  }
  return self;
}

/* new Encryptor(key, iv, aad) */
static napi_value encryptor_new(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], this_arg;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, &this_arg, NULL));
  if (argc < 3) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "new Encryptor(key, iv, aad) takes three arguments");
    return NULL;
  }
  uint8_t *key, *iv, *aad;
  size_t key_len, iv_len, aad_len;
  if (!get_bytes(env, argv[0], "key", &key, &key_len) || !get_bytes(env, argv[1], "iv", &iv, &iv_len) ||
      !get_bytes(env, argv[2], "aad", &aad, &aad_len))
    return NULL;
  if (key_len != KEY_BYTES) {
    napi_throw_range_error(env, "ERR_CRYPTO_INVALID_KEYLEN", "key must be 32 bytes (AES-256)");
    return NULL;
  }
  if (iv_len != IV_BYTES) {
    napi_throw_range_error(env, "ERR_CRYPTO_INVALID_IV", "iv must be 12 bytes (GCM's standard nonce, NIST SP 800-38D §8.2)");
    return NULL;
  }
  if (aad_len > INT_MAX) {
    napi_throw_range_error(env, NULL, "aad is too long");
    return NULL;
  }
  Encryptor *self = calloc(1, sizeof *self);
  if (self == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  int ok = 0, ignored = 0;
  self->ctx = ssl.ctx_new();
  if (self->ctx != NULL && ssl.init(self->ctx, ssl.aes_256_gcm(), NULL, NULL, NULL) == 1 &&
      ssl.ctrl(self->ctx, EVP_CTRL_AEAD_SET_IVLEN, IV_BYTES, NULL) == 1 && ssl.init(self->ctx, NULL, NULL, key, iv) == 1 &&
      (aad_len == 0 || ssl.update(self->ctx, NULL, &ignored, aad, (int)aad_len) == 1))
    ok = 1;
  if (!ok) {
    encryptor_release(self);
    free(self);
    napi_throw_error(env, "ERR_CRYPTO_OPERATION_FAILED", "OpenSSL could not start an AES-256-GCM encryption");
    return NULL;
  }
  if (napi_wrap(env, this_arg, self, encryptor_finalize, NULL, NULL) != napi_ok) {
    encryptor_release(self);
    free(self);
    napi_throw_error(env, NULL, "could not attach the encryption context");
    return NULL;
  }
  return this_arg;
}

/* encryptor.update(input, output, outputOffset) → bytes written */
static napi_value encryptor_update(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], this_arg, result;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, &this_arg, NULL));
  Encryptor *self = unwrap_open(env, this_arg);
  if (self == NULL) return NULL;
  if (argc < 3) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "update(input, output, outputOffset) takes three arguments");
    return NULL;
  }
  uint8_t *input, *output;
  size_t input_len, output_len;
  if (!get_bytes(env, argv[0], "input", &input, &input_len) || !get_bytes(env, argv[1], "output", &output, &output_len)) return NULL;
  double offset_number = 0;
  /* Checked against 2^53 before the cast: a double beyond size_t's range has no defined conversion. */
  if (napi_get_value_double(env, argv[2], &offset_number) != napi_ok || !(offset_number >= 0 && offset_number <= 9007199254740991.0) ||
      offset_number != (double)(size_t)offset_number) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "outputOffset must be a whole number ≥ 0");
    return NULL;
  }
  size_t offset = (size_t)offset_number;
  if (offset > output_len || output_len - offset < input_len) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "output has no room for the ciphertext at outputOffset (GCM writes exactly as many bytes as it reads)");
    return NULL;
  }
  /* In place (output at input's own bytes) is allowed, as EVP allows it; a partial overlap would read bytes already overwritten. */
  const uint8_t *out_start = output + offset;
  if (input_len > 0 && out_start != input && out_start < input + input_len && input < out_start + input_len) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "output overlaps input without being the same bytes (encrypt in place or into separate memory)");
    return NULL;
  }
  /* EVP_EncryptUpdate takes an int length: feed longer inputs in 1 GiB pieces (GCM keeps partial blocks between calls). */
  size_t done = 0;
  while (done < input_len) {
    size_t piece = input_len - done;
    if (piece > (1u << 30)) piece = 1u << 30;
    int written = 0;
    if (ssl.update(self->ctx, output + offset + done, &written, input + done, (int)piece) != 1 || (size_t)written != piece) {
      encryptor_release(self);
      napi_throw_error(env, "ERR_CRYPTO_OPERATION_FAILED", "OpenSSL failed to encrypt");
      return NULL;
    }
    done += piece;
  }
  CHECK(env, napi_create_double(env, (double)done, &result));
  return result;
}

/* encryptor.final() → the 16-byte tag (Buffer) */
static napi_value encryptor_final(napi_env env, napi_callback_info info) {
  napi_value this_arg, result;
  CHECK(env, napi_get_cb_info(env, info, NULL, NULL, &this_arg, NULL));
  Encryptor *self = unwrap_open(env, this_arg);
  if (self == NULL) return NULL;
  unsigned char tail[16], tag[TAG_BYTES];
  int written = 0;
  int ok = ssl.final(self->ctx, tail, &written) == 1 && written == 0 && ssl.ctrl(self->ctx, EVP_CTRL_AEAD_GET_TAG, TAG_BYTES, tag) == 1;
  encryptor_release(self);
  if (!ok) {
    napi_throw_error(env, "ERR_CRYPTO_OPERATION_FAILED", "OpenSSL failed to finish the encryption");
    return NULL;
  }
  void *copy = NULL;
  CHECK(env, napi_create_buffer_copy(env, TAG_BYTES, tag, &copy, &result));
  return result;
}

/* encryptor.free() */
static napi_value encryptor_free(napi_env env, napi_callback_info info) {
  napi_value this_arg;
  CHECK(env, napi_get_cb_info(env, info, NULL, NULL, &this_arg, NULL));
  Encryptor *self = NULL;
  if (napi_unwrap(env, this_arg, (void **)&self) == napi_ok && self != NULL) encryptor_release(self);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value value;
  if (!load_libcrypto()) {
    CHECK(env, napi_create_string_utf8(env, load_error, NAPI_AUTO_LENGTH, &value));
    CHECK(env, napi_set_named_property(env, exports, "reason", value));
    return exports;
  }
  CHECK(env, napi_create_string_utf8(env, ssl.version(OPENSSL_VERSION), NAPI_AUTO_LENGTH, &value));
  CHECK(env, napi_set_named_property(env, exports, "library", value));
  napi_property_descriptor methods[] = {
      {"update", NULL, encryptor_update, NULL, NULL, NULL, napi_default_method, NULL},
      {"final", NULL, encryptor_final, NULL, NULL, NULL, napi_default_method, NULL},
      {"free", NULL, encryptor_free, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_value cls;
  CHECK(env, napi_define_class(env, "Encryptor", NAPI_AUTO_LENGTH, encryptor_new, NULL, sizeof methods / sizeof methods[0], methods, &cls));
  CHECK(env, napi_set_named_property(env, exports, "Encryptor", cls));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
