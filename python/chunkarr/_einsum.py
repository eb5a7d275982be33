"""numpy.einsum, lazily, from the engine's pieces: a repeated subscript within one operand
(a diagonal) is a mask and a sum, a subscript only one operand has is summed at once, pairs of
operands are contracted with tensordot (or, when they share an output subscript, multiplied
with broadcasting and summed), and the result is transposed to the output's order."""
from __future__ import annotations

import string

import numpy as np

from ._array import Array
from ._creation import _as_array, eye
from ._linalg import tensordot
from ._out import no_out
from ._routines import expand_dims, where


def _parse(subscripts: str, shapes):
    """([letters per operand], output letters), '...' replaced by spare letters (right-aligned,
    as NumPy broadcasts them) and the implicit output made explicit."""
    if not isinstance(subscripts, str):
        raise NotImplementedError("einsum: only the subscripts-string form is supported by chunkarr")
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {len(terms)} subscript terms for {len(shapes)} operands")
    for term in terms + ([output] if arrow else []):
        rest = term.replace("...", "")
        if any(c not in string.ascii_letters for c in rest):
            raise ValueError(f"einsum: invalid subscript in {term!r} (letters and '...' only)")
    spare = [c for c in string.ascii_letters if c not in subscripts]
    ellipsis_dims = []
    for term, shape in zip(terms, shapes):
        named = len(term.replace("...", ""))
        if "..." in term:
            if named > len(shape):
                raise ValueError(f"einsum: operand has {len(shape)} dimensions, fewer than subscripts {term!r}")
            ellipsis_dims.append(len(shape) - named)
        elif named != len(shape):
            raise ValueError(f"einsum: operand has {len(shape)} dimensions but subscripts {term!r} name {named}")
    width = max(ellipsis_dims, default=0)
    broadcast = "".join(spare[:width])
    expanded = []
    for term, shape in zip(terms, shapes):
        n = len(shape) - len(term.replace("...", ""))
        expanded.append(term.replace("...", broadcast[width - n:]))
    if arrow:
        output = output.replace("...", broadcast)
        if len(set(output)) != len(output):
            raise ValueError(f"einsum: output subscript {output!r} repeats a letter")
        missing = set(output) - set("".join(expanded))
        if missing:
            raise ValueError(f"einsum: output subscript {''.join(sorted(missing))!r} does not appear in the inputs")
    else:
        counts = {c: "".join(expanded).count(c) for c in "".join(terms).replace(".", "")}
        output = broadcast + "".join(sorted(c for c, n in counts.items() if n == 1))
    return expanded, output


def _diagonals(x: Array, letters: str):
    """Each letter repeated within one operand taken along its diagonal (mask, then sum)."""
    while len(set(letters)) != len(letters):
        letter = next(c for c in letters if letters.count(c) > 1)
        first, second = [i for i, c in enumerate(letters) if c == letter][:2]
        order = [i for i in range(x.ndim) if i not in (first, second)] + [first, second]
        x = x.transpose(*order)
        letters = "".join(letters[i] for i in order)
        n = x.shape[-1]   # as the other axis's: einsum checked the lengths of each subscript
        x = where(eye(n, dtype=bool, chunks=None), x, x.dtype.type(0).item()).sum(axis=-1).astype(x.dtype)
        letters = letters[:-1]
    return x, letters


def _align(x: Array, letters: str, union: str) -> Array:
    """x transposed to union's order, with length-1 axes for the letters it lacks."""
    present = [c for c in union if c in letters]
    x = x.transpose(*[letters.index(c) for c in present]) if present != list(letters) else x
    missing = [i for i, c in enumerate(union) if c not in letters]
    return expand_dims(x, missing) if missing else x


def einsum(subscripts, *operands, dtype=None, optimize=False, split_every=None, **kwargs) -> Array:
    """numpy.einsum, lazily: general subscripts with '...' and the implicit output. Computed in
    `dtype` if given, else in the operands' result type (bool as int, then any)."""
    no_out(kwargs.get("out"), "einsum")
    arrays = [_as_array(a) for a in operands]
    terms, output = _parse(subscripts, [a.shape for a in arrays])
    result_dtype = np.dtype(dtype) if dtype is not None else np.result_type(*[a.dtype for a in arrays])
    work_dtype = np.dtype(np.int64) if result_dtype == np.bool_ else result_dtype
    sizes = {}
    for a, term in zip(arrays, terms):
        for c, n in zip(term, a.shape):
            if sizes.get(c, 1) not in (1, n) and n != 1:
                raise ValueError(f"einsum: subscript {c!r} has lengths {sizes[c]} and {n}")
            sizes[c] = max(sizes.get(c, 1), n)
    prepared = []
    for i, (a, term) in enumerate(zip(arrays, terms)):
        a = a.astype(work_dtype) if a.dtype != work_dtype else a
        a, term = _diagonals(a, term)
        elsewhere = output + "".join(t for j, t in enumerate(terms) if j != i)
        alone = [k for k, c in enumerate(term) if c not in elsewhere]
        if alone:
            a = a.sum(axis=alone).astype(work_dtype)
            term = "".join(c for k, c in enumerate(term) if k not in alone)
        prepared.append((a, term))
    result, letters = prepared[0]
    for position, (b, b_letters) in enumerate(prepared[1:], start=1):
        needed = output + "".join(t for _, t in prepared[position + 1:])
        shared = [c for c in letters if c in b_letters]
        summed = [c for c in shared if c not in needed]
        same_lengths = all(result.shape[letters.index(c)] == b.shape[b_letters.index(c)] for c in summed)
        if len(summed) == len(shared) and same_lengths:
            result = tensordot(result, b, ([letters.index(c) for c in summed], [b_letters.index(c) for c in summed]))
            letters = "".join(c for c in letters if c not in summed) + "".join(c for c in b_letters if c not in summed)
        else:
            union = letters + "".join(c for c in b_letters if c not in letters)
            result = _align(result, letters, union) * _align(b, b_letters, union)
            if summed:
                result = result.sum(axis=[union.index(c) for c in summed])
            letters = "".join(c for c in union if c not in summed)
        if result.dtype != work_dtype:
            result = result.astype(work_dtype)
    leftover = [k for k, c in enumerate(letters) if c not in output]
    if leftover:
        result = result.sum(axis=leftover)
        letters = "".join(c for c in letters if c in output)
    if letters != output:
        result = result.transpose(*[letters.index(c) for c in output])
    return result.astype(result_dtype) if result.dtype != result_dtype else result


ARRAY_FUNCTIONS = {np.einsum: einsum}
