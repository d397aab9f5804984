"""Text layout for `Model.summary()`: a boxed table drawn exactly as Keras 3 draws it, without `rich`.

Keras renders its summary with the `rich` library. Matching its output byte for byte means
reproducing rich's rules: how fixed-width columns are squeezed or stretched to the table width,
how a cell wraps on words and ends an over-long word with `…`, how lines are cropped to the
console width, and which ANSI codes colour a live terminal. This module implements those rules for
the small subset a summary uses: styled text (bold and one 256-colour palette index), word wrap,
a heavy-headed box table, and console detection.

>>> from lamina.utils import summary_utils as su
>>> header = [su.StyledText("Layer"), su.StyledText("Param #")]
>>> rows = [[su.StyledText("dense (Dense)"), su.StyledText("10")]]
>>> lines = su.render_table(header, rows, [12, 9], ["left", "right"], line_length=25)
>>> print(su.to_string(lines, color_system=None))
┏━━━━━━━━━━━━┳━━━━━━━━━━┓
┃ Layer      ┃  Param # ┃
┡━━━━━━━━━━━━╇━━━━━━━━━━┩
│ dense      │       10 │
│ (Dense)    │          │
└────────────┴──────────┘
<BLANKLINE>
"""

import math
import os
import re
import shutil
import sys
import unicodedata

# --------------------------------------------------------------------------- styles
# A style is (bold, colour) where colour is an xterm palette index or None. Keras only ever
# uses bold and a handful of palette colours, so this is all the styling a summary needs.
NULL_STYLE = (False, None)
BOLD = (True, None)


def color(index, bold=False):
    """The style for palette colour `index` (optionally bold)."""
    return (bool(bold), index)


def combine(base, over):
    """`over` applied on top of `base`: attributes accumulate, a set colour replaces."""
    return (base[0] or over[0], over[1] if over[1] is not None else base[1])


# Nearest 16-colour codes for the palette colours Keras uses, on terminals without 256 colours.
_STANDARD_DOWNGRADE = {33: "94", 34: "32", 45: "96"}


def _ansi_codes(style, color_system, no_color):
    codes = []
    if style[0]:
        codes.append("1")
    index = None if no_color else style[1]
    if index is not None:
        if index < 8:
            codes.append(str(30 + index))
        elif index < 16:
            codes.append(str(82 + index))
        elif color_system == "standard":
            codes.append(_STANDARD_DOWNGRADE.get(index, "37"))
        else:
            codes.append(f"38;5;{index}")
    return ";".join(codes)


# --------------------------------------------------------------------------- cell widths
def _char_cells(ch):
    code = ord(ch)
    if 32 <= code < 127:
        return 1
    if code < 32 or 0x7F <= code < 0xA0 or unicodedata.combining(ch):
        return 0
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _single_cell(text):
    return all(32 <= ord(c) < 127 for c in text)


def cell_len(text):
    """Width of `text` in terminal cells (wide CJK characters take two)."""
    if _single_cell(text):
        return len(text)
    return sum(_char_cells(c) for c in text)


def set_cell_size(text, total):
    """Crops or space-pads `text` to exactly `total` cells."""
    if _single_cell(text):
        size = len(text)
        if size < total:
            return text + " " * (total - size)
        # Same slice as the reference renderer, negative totals included.
        return text[:total]
    if total <= 0:
        return ""
    size = cell_len(text)
    if size == total:
        return text
    if size < total:
        return text + " " * (total - size)
    out, used = [], 0
    for ch in text:
        w = _char_cells(ch)
        if used + w > total:
            if used < total:  # a wide character cut in half becomes a space
                out.append(" ")
            break
        out.append(ch)
        used += w
    return "".join(out)


def chop_cells(text, width):
    """Splits `text` into pieces of at most `width` cells."""
    if _single_cell(text):
        return [text[i : i + width] for i in range(0, len(text), width)]
    lines, line, size = [], "", 0
    for ch in text:
        w = _char_cells(ch)
        if size + w > width and line:
            lines.append(line)
            line, size = "", 0
        line += ch
        size += w
    if line:
        lines.append(line)
    return lines


# --------------------------------------------------------------------------- styled text
_CONTROL = {7: None, 8: None, 11: None, 12: None, 13: None}
_TRAILING_WS = re.compile(r"\s+$")
_WORD = re.compile(r"\s*\S+\s*")


class StyledText:
    """Plain text plus styled spans `(start, end, style)`, edited the way a rich `Text` is."""

    __slots__ = ("plain", "spans")

    def __init__(self, text="", style=None):
        self.plain = ""
        self.spans = []
        if text:
            self.append(text, style)

    def append(self, text, style=None):
        """Adds `text` at the end, styled with `style` (a `(bold, colour)` pair) if given."""
        text = str(text).translate(_CONTROL)
        start = len(self.plain)
        self.plain += text
        if style is not None and style != NULL_STYLE and text:
            self.spans.append((start, len(self.plain), style))
        return self

    def copy(self):
        out = StyledText()
        out.plain, out.spans = self.plain, list(self.spans)
        return out

    def _set_plain(self, new):
        if new == self.plain:
            return
        new = new.translate(_CONTROL)
        old_length = len(self.plain)
        self.plain = new
        if old_length > len(new):
            end = len(new)
            self.spans = [(s, min(e, end), st) for s, e, st in self.spans if s < end]

    def split_lines(self):
        if "\n" not in self.plain:
            return [self.copy()]
        cuts = []
        for m in re.finditer("\n", self.plain):
            cuts += [m.start(), m.end()]
        return [line for line in self.divide(cuts) if line.plain != "\n"]

    def divide(self, offsets):
        offsets = list(offsets)
        if not offsets:
            return [self.copy()]
        bounds = [0, *offsets, len(self.plain)]
        ranges = list(zip(bounds, bounds[1:]))
        lines = []
        for start, end in ranges:
            line = StyledText()
            line.plain = self.plain[start:end]
            lines.append(line)
        for s, e, st in self.spans:
            for line, (start, end) in zip(lines, ranges):
                new_start, new_end = max(0, s - start), min(e - start, end - start)
                if new_end > new_start:
                    line.spans.append((new_start, new_end, st))
        return lines

    def right_crop(self, amount):
        end = len(self.plain) - amount
        self.spans = [(s, min(e, end), st) for s, e, st in self.spans if s < end]
        self.plain = self.plain[:-amount]

    def rstrip(self):
        self._set_plain(self.plain.rstrip())

    def rstrip_end(self, size):
        """Drops trailing whitespace that lies beyond `size` characters."""
        excess = len(self.plain) - size
        if excess > 0:
            match = _TRAILING_WS.search(self.plain)
            if match is not None:
                self.right_crop(min(len(match.group(0)), excess))

    def truncate(self, max_width, overflow, pad=False):
        length = cell_len(self.plain)
        if length > max_width:
            if overflow == "ellipsis":
                self._set_plain(set_cell_size(self.plain, max_width - 1) + "…")
            else:
                self._set_plain(set_cell_size(self.plain, max_width))
        if pad and length < max_width:
            self.plain += " " * (max_width - length)

    def pad_left(self, count):
        if count:
            self._set_plain(" " * count + self.plain)
            self.spans = [(s + count, e + count, st) for s, e, st in self.spans]

    def pad_right(self, count):
        if count:
            self._set_plain(self.plain + " " * count)

    def segments(self):
        """`(text, style)` pieces, split wherever a span starts or ends."""
        if not self.spans:
            return [(self.plain, NULL_STYLE)]
        cuts = sorted({0, len(self.plain), *(s for s, _, _ in self.spans), *(e for _, e, _ in self.spans)})
        out = []
        for a, b in zip(cuts, cuts[1:]):
            if b <= a:
                continue
            style = NULL_STYLE
            for s, e, st in self.spans:
                if s <= a < e:
                    style = combine(style, st)
            out.append((self.plain[a:b], style))
        return out


def divide_line(text, width, fold):
    """Offsets at which to break `text` so that words fit in `width` cells.

    A word longer than a whole line is cut into pieces when `fold`, else left whole (it is
    truncated with an ellipsis later).
    """
    breaks, offset = [], 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        word_length = cell_len(word.rstrip())
        if width - offset >= word_length:
            offset += cell_len(word)
        elif word_length > width:
            if fold:
                pieces = chop_cells(word, width)
                for i, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if i == len(pieces) - 1:
                        offset = cell_len(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    breaks.append(start)
                offset = cell_len(word)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


def wrap(text, width, justify="default", overflow="fold"):
    """Word-wraps a `StyledText` into lines of `width` cells, justified and overflowed."""
    result = []
    for line in text.split_lines():
        pieces = line.divide(divide_line(line.plain, width, fold=overflow == "fold"))
        for piece in pieces:
            piece.rstrip_end(width)
        for piece in pieces:
            if justify == "left":
                piece.truncate(width, overflow, pad=True)
            elif justify == "center":
                piece.rstrip()
                piece.truncate(width, overflow)
                piece.pad_left((width - cell_len(piece.plain)) // 2)
                piece.pad_right(width - cell_len(piece.plain))
            elif justify == "right":
                piece.rstrip()
                piece.truncate(width, overflow)
                piece.pad_left(width - cell_len(piece.plain))
        for piece in pieces:
            piece.truncate(width, overflow)
        result.extend(pieces)
    return result


# --------------------------------------------------------------------------- segment lines
def fit_line(segments, length, pad):
    """Crops a line of `(text, style)` segments to `length` cells, or pads it with spaces."""
    total = sum(cell_len(t) for t, _ in segments)
    if total < length:
        return segments + [(" " * (length - total), NULL_STYLE)] if pad else list(segments)
    if total == length:
        return list(segments)
    out, used = [], 0
    for text, style in segments:
        size = cell_len(text)
        if used + size < length:
            out.append((text, style))
            used += size
        else:
            out.append((set_cell_size(text, length - used), style))
            break
    return out


def text_lines(text, width):
    """A plain paragraph printed at console `width`: wrapped on words, long words folded."""
    return [fit_line(line.segments(), width, pad=False) for line in wrap(text, width)]


# --------------------------------------------------------------------------- the table
_HEAVY_HEAD = ("┏━┳┓", "┃ ┃┃", "┡━╇┩", "│ ││", "├─┼┤", "├─┼┤", "│ ││", "└─┴┘")
_ASCII = ("+--+", "| ||", "|-+|", "| ||", "|-+|", "|-+|", "| ||", "+--+")


def _ratio_reduce(total, ratios, maximums, values):
    ratios = [r if m else 0 for r, m in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return list(values)
    remaining, out = total, []
    for ratio, maximum, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            share = min(maximum, round(ratio * remaining / total_ratio))
            out.append(value - share)
            remaining -= share
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _ratio_distribute(total, ratios):
    total_ratio = sum(ratios)
    if total_ratio <= 0:
        raise ValueError(
            "Cannot lay out the summary table: every column has zero width. Use a larger "
            "`line_length`."
        )
    remaining, out = total, []
    for ratio in ratios:
        share = math.ceil(ratio * remaining / total_ratio) if total_ratio > 0 else remaining
        out.append(share)
        total_ratio -= ratio
        remaining -= share
    return out


def column_widths(requested, line_length):
    """Final column widths (cell padding included, borders excluded) for a table `line_length` wide.

    Each column asks for `requested[i]` content cells plus one space of padding on each side;
    the columns are then shrunk evenly, or grown in proportion, until borders and columns fill
    exactly `line_length` cells.
    """
    n = len(requested)
    max_width = line_length - (n + 1)

    def measure(want, available):
        return 0 if available < 1 else min(want + 2, available)

    widths = [measure(w, max_width) or 1 for w in requested]
    table_width = sum(widths)
    if table_width > max_width:
        widths = _ratio_reduce(table_width - max_width, [1] * n, widths, widths)
        table_width = sum(widths)
        widths = [measure(w, width) for w, width in zip(requested, widths)]
    if table_width < max_width:
        widths = [w + extra for w, extra in zip(widths, _ratio_distribute(max_width - table_width, widths))]
    return widths


def _render_cell(text, width, justify, style):
    inner = width - 2
    lines = []
    for piece in wrap(text, inner, justify=justify, overflow="ellipsis"):
        segs = fit_line(piece.segments(), inner, pad=True)
        segs = fit_line([(" ", NULL_STYLE), *segs, (" ", NULL_STYLE)], width, pad=True)
        if style != NULL_STYLE:
            segs = [(t, combine(style, s)) for t, s in segs]
        lines.append(segs)
    return lines


def _box_rule(chars, widths):
    left, fill, cross, right = chars
    return [(left + cross.join(fill * w for w in widths) + right, NULL_STYLE)]


def render_table(header, rows, requested_widths, justify, line_length, ascii_only=False):
    """Lines of `(text, style)` segments for a boxed table with a bold header row.

    `header` and each row hold one `StyledText` per column; rows are separated by rules. Cells
    wrap on words; a word too long for its cell ends with `…`.
    """
    box = _ASCII if ascii_only else _HEAVY_HEAD
    top, head, head_row, mid, row_rule, _, foot, bottom = box
    widths = column_widths(requested_widths, line_length)
    out = [_box_rule(top, widths)]
    all_rows = [header, *rows]
    for index, cells in enumerate(all_rows):
        is_header = index == 0
        is_last = index == len(all_rows) - 1
        style = BOLD if is_header else NULL_STYLE
        rendered = [_render_cell(c, w, j, style) for c, w, j in zip(cells, widths, justify)]
        height = max(len(c) for c in rendered)
        for cell, w in zip(rendered, widths):
            blank = [[(" " * w, style)]] * (height - len(cell))
            # Header cells sit on the bottom of their row, body cells on the top.
            cell[:] = blank + cell if is_header else cell + blank
        edge = head if is_header else (foot if is_last else mid)
        for line_no in range(height):
            line = [(edge[0], NULL_STYLE)]
            for i, cell in enumerate(rendered):
                if i:
                    line.append((edge[2], NULL_STYLE))
                line.extend(cell[line_no])
            line.append((edge[3], NULL_STYLE))
            out.append(line)
        if is_header:
            out.append(_box_rule(head_row, widths))
        elif not is_last:
            out.append(_box_rule(row_rule, widths))
    out.append(_box_rule(bottom, widths))
    return out


def to_string(lines, color_system, no_color=False):
    """Joins segment lines into text, with ANSI codes when `color_system` is set."""
    parts = []
    for line in lines:
        for text, style in line:
            codes = _ansi_codes(style, color_system, no_color) if color_system else ""
            parts.append(f"\x1b[{codes}m{text}\x1b[0m" if codes and text else text)
        parts.append("\n")
    return "".join(parts)


# --------------------------------------------------------------------------- the console
def _in_notebook():
    import builtins

    shell = getattr(builtins, "get_ipython", None)
    if shell is None:
        return False
    ip = shell()
    name = type(ip).__name__
    return "google.colab" in str(type(ip)) or bool(os.environ.get("DATABRICKS_RUNTIME_VERSION")) or (
        name == "ZMQInteractiveShell"
    )


def stdout_is_terminal():
    """Whether output to stdout gets terminal styling (the checks Keras's renderer makes)."""
    stdin = sys.stdin
    if stdin is not None and getattr(type(stdin), "__module__", "").startswith("idlelib"):
        return False
    if _in_notebook():
        return False
    compat = os.environ.get("TTY_COMPATIBLE", "")
    if compat in ("0", "1"):
        return compat == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:
        return False


def _digits_env(name):
    value = os.environ.get(name)
    return int(value) if value is not None and value.isdigit() else None


def console_width(terminal):
    """Cells per output line: the notebook default, `$COLUMNS`, the terminal's size, or 80."""
    if _in_notebook():
        return _digits_env("JUPYTER_COLUMNS") or 115
    columns = _digits_env("COLUMNS")
    dumb = terminal and os.environ.get("TERM", "").lower() in ("dumb", "unknown")
    if dumb and not (columns is not None and _digits_env("LINES") is not None):
        return 80
    width = None
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
            break
        except (AttributeError, ValueError, OSError):
            pass
    if columns is not None:
        width = columns
    return width or 80


def color_system(terminal):
    """None (plain text), 'standard' (16 colours) or '256' for what stdout understands."""
    if not terminal or os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    if os.environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return "256"
    colors = os.environ.get("TERM", "").strip().lower().rpartition("-")[2]
    return "256" if colors in ("256color", "kitty") else "standard"


def ascii_only():
    """True when stdout's encoding cannot show box-drawing characters."""
    encoding = (getattr(sys.stdout, "encoding", "utf-8") or "utf-8").lower()
    return not encoding.startswith("utf")


def default_terminal_columns():
    """Terminal width as Python's `shutil` reports it (what Keras sizes the default table by)."""
    return shutil.get_terminal_size().columns


# --------------------------------------------------------------------------- counting
_DTYPE_BITS = {
    **{f"float{i}": i for i in (16, 32, 64)},
    **{f"int{i}": i for i in (8, 16, 32, 64)},
    **{f"uint{i}": i for i in (8, 16, 32, 64)},
    "bfloat16": 16,
    "bool": 1,
}


def count_params(weights):
    """Total number of scalars in `weights` (a weight listed twice counts twice)."""
    return int(sum(math.prod(tuple(w.shape)) for w in weights))


def _dtype_bits(dtype):
    name = str(getattr(dtype, "name", dtype))
    bits = _DTYPE_BITS.get(name)
    if bits is None:
        import numpy as np

        try:
            bits = np.dtype(name).itemsize * 8
        except TypeError:
            raise ValueError(f"Cannot size a weight of dtype {name!r} for the summary.") from None
    return bits


def weight_memory_size(weights):
    """Bytes taken by `weights`, each distinct variable counted once."""
    unique = {id(w): w for w in weights}.values()
    return sum(math.prod(tuple(w.shape)) * _dtype_bits(w.dtype) for w in unique) / 8


def readable_memory_size(size):
    """`1234.0` -> `'1.21 KB'`: two decimals in the largest unit that keeps the value >= 1."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def layer_index_bounds(layers, layer_range=None):
    """`[first, last + 1]` indices of the layers whose names match `layer_range` (two regexes)."""
    if layer_range is None:
        return [0, len(layers)]
    if len(layer_range) != 2:
        raise ValueError(
            "summary(): `layer_range` must be a list or tuple of two layer names (or regexes), the "
            f"first and last layers to show. Received: layer_range={layer_range} of length "
            f"{len(layer_range)}"
        )
    if not isinstance(layer_range[0], str) or not isinstance(layer_range[1], str):
        raise ValueError(
            f"summary(): `layer_range` must hold two strings. Received: layer_range={layer_range}"
        )
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(
            "summary(): `layer_range` does not match the layer names in the model. Received: "
            f"layer_range={layer_range}; layer names: {[layer.name for layer in layers]}"
        )
    if min(lower) > max(upper):
        return [min(upper), max(lower) + 1]
    return [min(lower), max(upper) + 1]
