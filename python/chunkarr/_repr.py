"""The Jupyter view of an Array: a table of facts and an SVG of its chunk grid (like Dask)."""
from __future__ import annotations

import html


def _bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1000
    return f"{n:.2f} PB"


def _grid_svg(chunks, size: int = 160) -> str:
    """Lines at the chunk boundaries of the last two axes (the last one of a 1-d array)."""
    if not chunks:
        return f'<svg width="{size // 4}" height="{size // 4}"><rect width="100%" height="100%" fill="#8B4903" fill-opacity="0.8"/></svg>'
    rows = chunks[-2] if len(chunks) >= 2 else (1,)
    cols = chunks[-1]
    total_r, total_c = max(sum(rows), 1), max(sum(cols), 1)
    scale = size / max(total_r, total_c)
    width, height = max(total_c * scale, 20), max(total_r * scale, 20 if len(chunks) >= 2 else 25)
    lines = []

    def positions(cs, total, extent, limit=40):
        out, acc = [0.0], 0
        for c in cs:
            acc += c
            out.append(acc / total * extent)
        if len(out) > limit:   # too many to draw: every n-th boundary
            stride = len(out) // limit + 1
            out = out[::stride] + [extent]
        return out

    for x in positions(cols, total_c, width):
        lines.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height:.1f}" stroke="black" stroke-width="1"/>')
    for y in positions(rows, total_r, height):
        lines.append(f'<line x1="0" y1="{y:.1f}" x2="{width:.1f}" y2="{y:.1f}" stroke="black" stroke-width="1"/>')
    return (f'<svg width="{width + 2:.0f}" height="{height + 2:.0f}" style="stroke:rgb(0,0,0)">'
            f'<rect width="{width:.1f}" height="{height:.1f}" fill="#ECB172" fill-opacity="0.8"/>'
            + "".join(lines) + "</svg>")


def array_html(x) -> str:
    chunk_shape = tuple(max(c) if c else 0 for c in x.chunks)
    chunk_bytes = x.dtype.itemsize
    for c in chunk_shape:
        chunk_bytes *= c
    rows = [
        ("Bytes", _bytes(x.nbytes), _bytes(chunk_bytes)),
        ("Shape", str(x.shape), str(chunk_shape)),
        ("Count", f"{x.npartitions} chunks in {len(x.numblocks)} dimensions", ""),
        ("Type", str(x.dtype), "numpy.ndarray"),
    ]
    table = ("<table><thead><tr><td></td><th>Array</th><th>Chunk</th></tr></thead><tbody>"
             + "".join(f"<tr><th>{html.escape(a)}</th><td>{html.escape(b)}</td><td>{html.escape(c)}</td></tr>"
                       for a, b, c in rows)
             + "</tbody></table>")
    return (f'<table><tr><td>{table}<p>chunkarr: {x.npartitions} tasks to read</p></td>'
            f'<td>{_grid_svg(x.chunks)}</td></tr></table>')
