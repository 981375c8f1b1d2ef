/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the Random123 adapter, the only file that includes
 * Random123 (header-only, librandom123-dev). Keyed, stateless numbers:
 * see the "random numbers" section of src/core/core.h. */
#include "core/core.h"

#include <Random123/philox.h>

static philox4x64_ctr_t block(const its__rng_key *key, uint64_t b)
{
    philox4x64_key_t k = {{key->seed, key->patient}};
    philox4x64_ctr_t c = {{key->purpose, key->stream, b, 0}};
    return philox4x64(c, k);
}

uint64_t its__rng_word(const its__rng_key *key, uint64_t index)
{
    return block(key, index >> 2).v[index & 3u];
}

double its__rng_u01_of_word(uint64_t w)
{
    /* (2k + 1) * 2^-53 with k the top 52 bits: exact, in (0, 1) */
    return ((double)(w >> 12) + 0.5) * 0x1p-52;
}

double its__rng_u01(const its__rng_key *key, uint64_t index)
{
    return its__rng_u01_of_word(its__rng_word(key, index));
}

void its__rng_fill_u01(const its__rng_key *key, uint64_t first, size_t n, double *u)
{
    uint64_t index = first;
    size_t i = 0;

    while (i < n) {
        philox4x64_ctr_t r = block(key, index >> 2);
        unsigned lane;
        for (lane = (unsigned)(index & 3u); lane < 4u && i < n; lane++, i++, index++)
            u[i] = its__rng_u01_of_word(r.v[lane]);
    }
}

#define ITS__FEISTEL_ROUNDS 6

uint64_t its__rng_permute(const its__rng_key *key, uint64_t i, uint64_t n)
{
    unsigned half = 1, r;
    uint64_t mask, x = i;
    if (n < 2 || i >= n || n > ((uint64_t)1 << 40))
        return i;
    while (((uint64_t)1 << (2 * half)) < n)
        half++;
    mask = ((uint64_t)1 << half) - 1;
    do { /* cycle-walking: a bijection of [0, 4^half) restricted to [0, n) */
        uint64_t lo = x & mask, hi = x >> half;
        for (r = 0; r < ITS__FEISTEL_ROUNDS; r++) {
            uint64_t f = its__rng_word(key, ((uint64_t)r << 40) | lo) & mask;
            uint64_t t = lo;
            lo = hi ^ f;
            hi = t;
        }
        x = (hi << half) | lo;
    } while (x >= n);
    return x;
}
