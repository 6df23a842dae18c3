#!/usr/bin/python3
"""Records NumPy's verdict on a corpus of .npy headers, for ndview's header parser tests.

Run with Debian's Python after `apt-get install -y python3-numpy` (NumPy 1.24):

    /usr/bin/python3 npy/testdata/gen_headers.py

It writes internal/npyformat/testdata/headers.json (beside the header parser it checks):
one entry per header, with what NumPy made of it. CI needs no Python: TestHeaderCorpus in
internal/npyformat checks ndview's parser against the committed verdicts.

The verdict is np.load's. A header is "accepted" when NumPy's reader accepts it and np.load
of the header followed by exactly the data it describes returns an array of the header's
shape, both from a file (np.fromfile) and from a stream (BytesIO), with any warnings NumPy
gives recorded but not counted against it. The shape must be the header's: np.load of a
file whose shape is (-1,) infers the dimension from the file's size, which the stream path
refuses ("negative dimensions are not allowed"), so such a header is "refused" here. Where
the data would be too large to build (over 64 KiB), the verdict is NumPy's own size checks
without allocating: the header reader, then np.load's element count (np.multiply.reduce in
int64) and array creation (a zero-strided array of the count, reshaped to the header's
shape, which is where "array is too big" and "cannot reshape" come from). For the small
headers both ways are run, and they must agree.

An accepted entry records the dtype NumPy gives (arr.dtype.str, as on this little-endian
64-bit Linux machine), the shape and fortran_order. Whether the dtype has a Go element type
is ndview's business, decided in the Go test: NumPy accepts '|b1', '<U3' or structured
dtypes, and ndview refuses them with ErrFormat.

"lp64" marks entries whose verdict depends on this platform: C long and pointer sizes
('l', 'p', 'int', 'intp', ...), long double ('g'), or sizes past 2**31. The Go test checks
them only on 64-bit platforms other than Windows.
"""
import io
import json
import math
import os
import re
import resource
import struct
import sys
import tempfile
import warnings

import numpy as np
from numpy.lib import format as npformat

# Sets print in hash order: fix the hash seed, so that the verdicts' messages do not change
# from run to run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

HERE = os.path.dirname(os.path.abspath(__file__))
# The corpus lives with the header parser, internal/npyformat, whose tests read it.
CORPUS = os.path.join(HERE, "..", "..", "internal", "npyformat", "testdata", "headers.json")
SMALL = 1 << 16  # data bytes up to which np.load is run on real data
MAGIC = b"\x93NUMPY"

# Guard against any NumPy path that would try to allocate a huge array.
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

entries = []
names = set()


def prefix_of(version, header):
    """The bytes of a .npy file before its data: magic, version, length, header."""
    hb = header if isinstance(header, bytes) else header.encode(
        "utf-8" if version == (3, 0) else "latin1")
    if version == (1, 0):
        return MAGIC + bytes(version) + struct.pack("<H", len(hb)) + hb
    return MAGIC + bytes(version) + struct.pack("<I", len(hb)) + hb


def hdr(descr, shape="(2, 3)", fortran="False"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }\n" % (descr, fortran, shape)


def message(e):
    """An exception as text, without the object addresses that change from run to run."""
    return "%s: %s" % (type(e).__name__, re.sub(r" at 0x[0-9a-f]+", "", str(e))[:100])


def run_load(data, path):
    """np.load from a stream and from a file: (dtype str, shape, has fields) or an error."""
    out = []
    for src in ("stream", "file"):
        try:
            if src == "stream":
                a = np.load(io.BytesIO(data))
            else:
                with open(path, "wb") as f:
                    f.write(data)
                a = np.load(path)
            out.append((a.dtype.str, tuple(a.shape), a.dtype.names is not None))
        except Exception as e:  # any exception is a refusal
            out.append(message(e))
    return out


def size_check(shape, fortran, dtype):
    """np.load's count and array creation, without the data: None or the error."""
    if dtype.hasobject:
        return "ValueError: Object arrays cannot be loaded when allow_pickle=False"
    try:
        count = int(np.multiply.reduce(shape, dtype=np.int64)) if len(shape) else 1
        base = np.zeros((), dtype=dtype.base)
        sub = dtype.shape
        a = np.lib.stride_tricks.as_strided(base, shape=(count,) + sub, strides=(0,) * (1 + len(sub)))
        a.reshape(shape[::-1] if fortran else shape)
        return None
    except Exception as e:
        return message(e)


def verdict(prefix):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            f = io.BytesIO(prefix)
            version = npformat.read_magic(f)
            npformat._check_version(version)
            shape, fortran, dtype = npformat._read_array_header(f, version)
        except Exception as e:
            return dict(accepted=False, error=message(e))
        v = dict(accepted=False)
        nbytes = math.prod(max(0, int(x)) for x in shape) * dtype.itemsize
        check = size_check(shape, fortran, dtype)
        if nbytes <= SMALL:
            data = prefix + bytes((7 * i + 3) % 256 for i in range(nbytes))
            with tempfile.TemporaryDirectory() as tmp:
                stream, file = run_load(data, os.path.join(tmp, "h.npy"))
            if isinstance(stream, tuple) and stream == file and stream[1] == tuple(shape):
                v.update(accepted=True, how="np.load", descr=stream[0])
                if stream[2]:
                    v["structured"] = True
            else:
                v.update(error=stream if isinstance(stream, str) else file if isinstance(file, str) else
                         "np.load gives %r from a stream and %r from a file" % (stream, file))
            if v["accepted"] != (check is None):
                sys.exit("the size check and np.load disagree on %r: %s" % (prefix, check or v["error"]))
        elif check is None:
            v.update(accepted=True, how="size check", descr=dtype.base.str)
            if dtype.names is not None:
                v["structured"] = True
        else:
            v.update(error=check)
        if v["accepted"]:
            v.update(shape=[int(x) for x in shape], fortran=bool(fortran))
        w = sorted(set("%s: %s" % (x.category.__name__, str(x.message)[:100]) for x in caught))
        if w:
            v["warnings"] = w
        return v


PLATFORM_NAMES = {"int", "uint", "long", "ulong", "intp", "uintp", "int0", "uint0", "int_",
                  "longdouble", "longfloat", "clongdouble", "clongfloat", "longcomplex",
                  "float128", "complex256", "float96", "complex192"}


def platform_dependent(text):
    """Whether a header's verdict may differ on a platform that is not LP64 Linux."""
    for m in re.finditer(r"'descr'\s*:\s*(.*?), 'fortran_order'", text, re.S):
        d = m.group(1)
        if re.search(r"(^|[^A-Za-z0-9_])[lLpPgG]($|[^A-Za-z0-9_])", d.strip("'\"<>=|")):
            return True
        if re.search(r"[lLpPgG]", re.sub(r"[^A-Za-z]", "", d)) and len(re.sub(r"[^A-Za-z]", "", d)) == 1:
            return True
        if any(n in re.findall(r"[a-z_0-9]+", d) for n in PLATFORM_NAMES):
            return True
        if any(c in d for c in ("\\x07", "\\x08", "\\r", "\\x10", "\\x0d", "\\x0D")):
            return True
    return False


def add(name, header=None, version=(1, 0), raw=None, lp64=False):
    if name in names:
        sys.exit("duplicate name " + name)
    names.add(name)
    prefix = raw if raw is not None else prefix_of(version, header)
    e = dict(name=name)
    if raw is not None:
        e["raw"] = raw.hex()
    else:
        e["version"] = list(version)
        if isinstance(header, bytes):
            e["header_hex"] = header.hex()
        else:
            e["header"] = header
    e.update(verdict(prefix))
    if raw is None and isinstance(header, str) and platform_dependent(header):
        lp64 = True
    if e.get("accepted") and any(x > 2**31 - 1 for x in e["shape"]):
        lp64 = True
    if e.get("accepted"):
        n = 1
        for x in e["shape"]:
            n *= x
        if n * int(re.sub(r"\D", "", e["descr"]) or 1) > 2**31 - 1:
            lp64 = True
    if lp64:
        e["lp64"] = True
    entries.append(e)


def numpy_writes():
    """Headers np.save writes, for every element type ndview has, in each version."""
    for d in ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8", "c8", "c16", "b1"]:
        for bo in (["<", ">"] if np.dtype(d).itemsize > 1 else ["|"]):
            for shape in [(), (0,), (3,), (2, 3), (4, 0, 2)]:
                for fortran in (False, True):
                    dt = np.dtype(bo + d)
                    h = {"descr": dt.str, "fortran_order": fortran, "shape": shape}
                    for version in [(1, 0), (2, 0), (3, 0)]:
                        if version != (1, 0) and (shape != (2, 3) or d not in ("f8", "i2")):
                            continue
                        f = io.BytesIO()
                        npformat._write_array_header(f, h, version)
                        b = f.getvalue()
                        text = b[len(MAGIC) + 2 + (2 if version == (1, 0) else 4):]
                        add("np.save/%s%s %s %s v%d.0" % (bo, d, shape, "F" if fortran else "C", version[0]),
                            text.decode("latin1" if version != (3, 0) else "utf-8"), version)
    # np.save's own writer, whole files, for the growth-axis padding of large shapes.
    for shape in [(1234567, 0), (10**18, 0), (0, 10**18)]:
        f = io.BytesIO()
        npformat.write_array_header_1_0(f, {"descr": "<f8", "fortran_order": False, "shape": shape})
        add("np.save/<f8 %s" % (shape,), f.getvalue()[10:].decode("latin1"))


def descr_spellings():
    """Every way NumPy 1.24 spells a dtype in a string, for ndview's types and others."""
    prefixes = ["", "<", ">", "=", "|"]
    seen = set()

    def one(s):
        if s in seen:
            return
        seen.add(s)
        add("descr/%s" % ascii(s), hdr(ascii(s)))

    for code in "?bBhHiIlLqQpPefdgFDGOSUVaMmcxEANnw":
        for p in prefixes:
            one(p + code)
    for num in range(25):
        for p in ["", "<", ">"]:
            one(p + chr(num))
    for kind in "biufc":
        for size in ["0", "1", "2", "3", "4", "8", "12", "16", "24", "32"]:
            for p in prefixes:
                one(p + kind + size)
    for kind in "SUVOMma":
        for size in ["0", "1", "4", "8"]:
            one(kind + size)
            one("<" + kind + size)
    # C's strtol reads the size: leading whitespace, a sign, leading zeros.
    for s in ["i08", "i 8", "i\t8", "i\n8", "i\v8", "i\f8", "i\r8", "i+8", "i-8", "i 08", "i+08",
              "i +8", "i+ 8", "i8 ", "i 8 ", "f08", "c016", "u+1", "f 2", "i0x8", "i8\x00", "<i 8",
              "< i8", ">f 8", "i00000000000000000000008", "i 1_0", "i1_0", "f٨", "i\xa08", "i-0",
              "f+4", "f-4", "c 8", ">c+16", "b01", "b 1", "u 1", "<f\x008", "i", "u", "f0", "e2", "d8",
              "B1", "H2", "?1", "F8", "D16", "I8", "N8", "n8", "<B8", "<d8", "<D16", "<b1", "<>f8",
              "<<f8", "<=f8", "!f8", "@f8", "^f8", " <f8", "<f8 ", "<f8\t", "\t<f8", "", "<", "|",
              "<f8\n", "f8\x00", "<f8\x00"]:
        one(s)
    # Names from np.sctypeDict, with and without a byte order, and near misses.
    for n in sorted(k for k in np.sctypeDict if isinstance(k, str) and len(k) > 1):
        one(n)
        one("<" + n)
        one("|" + n)
    for n in ["Float64", "Int8", "float64 ", " float64", "FLOAT64", "float", "double", "Double",
              "uint8 ", "int64\n", "float32,", "complex", "bool", "object", "str", "bytes",
              "datetime64[ns]", "M8[ns]", "<M8[ns]", "m8[s]", "U3", "<U3", "S3", "|S3", "V8", "|V8"]:
        one(n)
    # The comma-string form: a repeat count or shape before the type, a trailing comma.
    for s in ["f8,", "<f8,", ">f8,", "=f8,", "|f8,", "f8, ", "f8 ,", " f8,", "f8,\n", "<<f8,",
              "<>f8,", "=<f8,", "<=f8,", "|<f8,", ">|f8,", "()f8", "<()f8", "()<f8", "() f8",
              "1f8", "(1)f8", "(1,)f8", "(1,1)f8", "(1, 1)f8", "( 1 , )f8", "2f8", "(2,)f8",
              "0f8", "(0,)f8", "<(1,)f8", "(1,)<f8", "<(1,)<f8", "<(1,)>f8", " (1,) f8", "1 f8",
              "01f8", "(01,)f8", "f8,f8", "f8,,", ",f8", "float64,", "i8,", "b1,", "?,", "e,",
              ">i1,", "<(2,)f8,", "1,f8", "(1,2)f8", "(1)", "1", "<1", "(1", "(1,f8", "<()",
              "()", "(,)f8", "1f8,", "(2)f8", "<f8,i4", "f8, i4", "d,", "float32,", "c8,"]:
        one(s)


def descr_values():
    """descr values that are not strings: the tuple (subarray) forms, lists, others."""
    for d, shapes in [
        ("('<f8', ())", ["(3,)", "(0,)"]),
        ("('<f8', 1)", ["(3,)"]),
        ("('<f8', (1,))", ["(3,)", "(0,)", "()"]),
        ("('<f8', (1, 1))", ["(3,)", "(2, 3)"]),
        ("('<f8', (2,))", ["(3,)", "(0,)", "(0, 3)", "()"]),
        ("('<f8', (0,))", ["(3,)", "(0,)"]),
        ("('<f8', 0)", ["(3,)", "(0,)"]),
        ("('<f8', 2)", ["(3,)", "(0,)"]),
        ("('<f8', (2,), 'junk')", ["(0,)"]),
        ("('<f8', (), 'junk')", ["(3,)"]),
        ("('<f8', '<i8')", ["(3,)"]),
        ("('<f8', 'f4')", ["(3,)"]),
        ("('<i4', '<f4')", ["(3,)"]),
        ("('>i2', 'u2')", ["(3,)"]),
        ("('<f8', ('<i8', ()))", ["(3,)"]),
        ("(('<f8', ()), ())", ["(3,)"]),
        ("(('>i4', (1,)), 1)", ["(3,)"]),
        ("('<f8',)", ["(3,)"]),
        ("()", ["(3,)"]),
        ("('<f8', True)", ["(3,)"]),
        ("('<f8', -1)", ["(3,)"]),
        ("('<f8', (-1,))", ["(0,)"]),
        ("('<f8', 1.0)", ["(3,)"]),
        ("('<f8', [1])", ["(3,)"]),
        ("('<f8', [2])", ["(0,)", "(3,)"]),
        ("('<f8', None)", ["(3,)"]),
        ("('<i4', None)", ["(3,)"]),
        ("('<f8', (2147483648,))", ["(0,)"]),
        ("('<f8', (268435456,))", ["(0,)"]),
        ("('<f8', (268435455,))", ["(0,)"]),
        ("('<f8', (1,)*32)", ["(3,)"]),
        ("('<f8', %r)" % ((1,) * 31,), ["(3,)"]),
        ("('<f8', %r)" % ((1,) * 32,), ["(3,)"]),
        ("('<f8', %r)" % ((1,) * 33,), ["(3,)"]),
        ("('|b1', ())", ["(3,)"]),
        ("('f8,', ())", ["(3,)"]),
        ("('<f8', '(1,)')", ["(3,)"]),
        ("[('', '<f8')]", ["(3,)"]),
        ("[('a', '<f8')]", ["(3,)"]),
        ("['<f8']", ["(3,)"]),
        ("[]", ["(3,)"]),
        ("{'ab': 1}", ["(3,)"]),
        ("{'names': ['a'], 'formats': ['<f8']}", ["(3,)"]),
        ("b'<f8'", ["(3,)"]),
        ("8", ["(3,)"]),
        ("None", ["(3,)"]),
        ("1.5", ["(3,)"]),
        ("True", ["(3,)"]),
        ("{'<f8'}", ["(3,)"]),
    ]:
        for s in shapes:
            add("descr value/%s %s" % (d, s), hdr(d, s))


def shapes():
    """Shapes: integer spellings, L suffixes, leading zeros, sizes that overflow."""
    for s in ["()", "(3,)", "(3, 4)", "(3, 4,)", "(3,4)", "( 3 , 4 , )", "(3)", "3", "[3]", "[3, 4]",
              "(03, 4)", "(012,)", "(00,)", "(0_0,)", "(000, 4)", "(0x3,)", "(0X3,)", "(0o3,)",
              "(0b11,)", "(0x_3,)", "(1_0,)", "(1__0,)", "(1_,)", "(+3,)", "(-0,)", "(- 0,)",
              "(-3,)", "(-1,)", "(-1, 3)", "(--3,)", "(-(3),)", "(+(3),)", "(3.0,)", "(3j,)",
              "((3),)", "((3,),)", "(True,)", "(True, 2)", "(False,)", "(None,)", "('3',)",
              "(3, 'L')", "(3,,)", "(,)", "(,3)", "(3 4)", "{3}", "(3,) ", "((3, 4))",
              "(0x8000000000000000,)", "(9223372036854775807,)", "(9223372036854775808,)",
              "(99999999999999999999,)", "(0, 99999999999999999999)", "(2147483648,)",
              "(4294967296, 4294967296)", "(4294967296, 4294967296, 0)", "(0, 4294967296, 4294967296)",
              "(1099511627776, 0)", "(0, 1152921504606846975)", "(0, 1152921504606846976)",
              "(0, 4611686018427387904)", "(0, 2305843009213693952, 4)", "(0, 2305843009213693951, 4)",
              "(3, 3074457345618258602)", "(3, 3074457345618258603)", "(1152921504606846975,)",
              "(1152921504606846976,)", "(1099511627776,)", "(0, 9223372036854775807)",
              "(9223372036854775807, 0)", "(0, 0, 9223372036854775807, 9223372036854775807)",
              "(0, 3037000500, 3037000500)", "(0, 3037000499, 3037000499)",
              repr((1,) * 32), repr((1,) * 33), repr((2,) * 16), repr((0,) * 32 + (5,)),
              "(1" + "_0" * 18 + ",)", "(0," + "1" * 4300 + ")", "(0," + "1" * 4301 + ")",
              "(0," + "1" + "_1" * 4300 + ")", "(" + "0" * 4301 + ",)"]:
        add("shape/%s" % (s if len(s) < 80 else "%s...%s (%d characters)" % (s[:20], s[-20:], len(s))), hdr("'<f8'", s))
    for itemsize in ["|u1", "<c16"]:
        for s in ["(0, 9223372036854775807)", "(0, 576460752303423487)", "(0, 576460752303423488)"]:
            add("shape/%s %s" % (itemsize, s), hdr(repr(itemsize), s))
    # Python 2's long suffix: NumPy removes it from 1.0 and 2.0 headers, not from 3.0 ones.
    for version in [(1, 0), (2, 0), (3, 0)]:
        for s in ["(3L,)", "(3L, 4L)", "(3L, 4)", "(3 L,)", "(3\tL,)", "(3L L,)", "(3LL,)", "(3l,)",
                  "(0x3L,)", "(3L)", "(L,)", "(3,L)", "(3, L)", "(3\\\nL,)", "(3 # c\nL,)", "(3.L,)",
                  "(3jL,)", "(3_L,)", "(3Lx,)", "(3L4,)", "(03L,)", "(0L,)", "(10000000000000000000L,)"]:
            add("L suffix/%s v%d.0" % (s, version[0]), hdr("'<f8'", s), version)
        add("L suffix/(3L,) Fortran v%d.0" % version[0], hdr("'<f8'", "(3L, 4L)", "True"), version)
        add("L suffix/in descr v%d.0" % version[0], hdr("'<f8L'"), version)
        add("L suffix/after True v%d.0" % version[0], hdr("'<f8'", "(3,)", "True L"), version)
        add("L suffix/after a string v%d.0" % version[0], hdr("'<f8' L"), version)


def dicts():
    """The dict: keys, quoting, repeated keys, whitespace, comments, other literals."""
    S = "'shape': (2, 3)"
    F = "'fortran_order': False"
    D = "'descr': '<f8'"
    for name, text in [
        ("numpy style", "{%s, %s, %s, }" % (D, F, S)),
        ("no trailing comma", "{%s, %s, %s}" % (D, F, S)),
        ("two trailing commas", "{%s, %s, %s,,}" % (D, F, S)),
        ("leading comma", "{, %s, %s, %s}" % (D, F, S)),
        ("key order", "{%s, %s, %s}" % (S, F, D)),
        ("double quotes", '{"descr": "<f8", "fortran_order": False, "shape": (2, 3)}'),
        ("triple quotes", "{'''descr''': \"\"\"<f8\"\"\", 'fortran_order': False, 'shape': (2, 3)}"),
        ("u prefix", "{u'descr': u'<f8', u'fortran_order': False, u'shape': (2, 3)}"),
        ("U and R prefixes", "{U'descr': R'<f8', r'fortran_order': False, 'shape': (2, 3)}"),
        ("b prefix key", "{b'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("b prefix descr", "{'descr': b'<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("f prefix", "{f'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("rb prefix", "{'descr': rb'<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("ur prefix", "{'descr': ur'<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("concatenated key", "{'des' 'cr': '<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("concatenated descr", "{'descr': '<' \"f8\", 'fortran_order': False, 'shape': (2, 3)}"),
        ("concatenated over lines", "{'descr': ('<'\n 'f8'), 'fortran_order': False, 'shape': (2, 3)}"),
        ("concatenated str and bytes", "{'descr': '<' b'f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape \\x", "{'descr': '<\\x668', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape \\u", "{'\\u0064escr': '<f\\u0038', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape \\U", "{'descr': '<\\U00000066\\U00000038', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape octal", "{'descr': '<\\1468', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape octal 3 digits then digit", "{'descr': '<\\1468\\70', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape newline", "{'descr': '<f\\\n8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape quote", "{'descr': '\\'<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape unknown", "{'descr': '\\<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape NUL", "{'descr': '<f8\\0', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape short \\x", "{'descr': '<f8\\x0', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape short \\u", "{'descr': '<f8\\u00', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape big \\U", "{'descr': '<f8\\U00110000', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape surrogate", "{'descr': '\\ud800', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("escape in raw", "{'descr': r'<\\x66', 'fortran_order': False, 'shape': (2, 3)}"),
        ("raw quote", "{'descr': r'\\'', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("bytes escapes", "{'descr': b'\\x00\\777\\u1234\\N', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("bytes non-ASCII", "{'descr': b'\xe9', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("str non-ASCII", "{'descr': '\xe9', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}"),
        ("unterminated string", "{'descr': '<f8, 'fortran_order': False, 'shape': (2, 3)}"),
        ("newline in string", "{'descr': '<f8\n', 'fortran_order': False, 'shape': (2, 3)}"),
        ("newline in triple-quoted", "{'descr': '''<f8\n''', 'fortran_order': False, 'shape': (2, 3)}"),
        ("four quotes", "{'descr': '<f8'''', 'fortran_order': False, 'shape': (2, 3)}"),
        ("repeated descr", "{'descr': '>i4', %s, %s, %s}" % (D, F, S)),
        ("repeated descr last", "{%s, %s, %s, 'descr': '>i4'}" % (D, F, S)),
        ("repeated fortran_order", "{%s, 'fortran_order': True, %s, %s}" % (D, F, S)),
        ("repeated shape", "{%s, %s, %s, 'shape': (4,)}" % (D, F, S)),
        ("repeated shape bad then good", "{%s, %s, 'shape': [3], %s}" % (D, F, S)),
        ("repeated shape good then bad", "{%s, %s, %s, 'shape': [3]}" % (D, F, S)),
        ("repeated spelled differently", "{%s, %s, %s, \"shape\": (5,)}" % (D, F, S)),
        ("repeated three times", "{%s, %s, %s, 'shape': (5,), 'shape': (6,)}" % (D, F, S)),
        ("missing descr", "{%s, %s}" % (F, S)),
        ("missing fortran_order", "{%s, %s}" % (D, S)),
        ("missing shape", "{%s, %s}" % (D, F)),
        ("extra key", "{%s, %s, %s, 'x': 1}" % (D, F, S)),
        ("extra int key", "{%s, %s, %s, 1: 2}" % (D, F, S)),
        ("empty dict", "{}"),
        ("set", "{'descr', 'fortran_order', 'shape'}"),
        ("list", "['descr', '<f8']"),
        ("dict()", "dict(descr='<f8', fortran_order=False, shape=(2, 3))"),
        ("parenthesized", "({%s, %s, %s})" % (D, F, S)),
        ("double parenthesized", "(({%s, %s, %s}))" % (D, F, S)),
        ("tuple of dict", "{%s, %s, %s}," % (D, F, S)),
        ("two dicts", "{%s, %s, %s} {}" % (D, F, S)),
        ("dict then semicolon", "{%s, %s, %s};" % (D, F, S)),
        ("dict unpacking", "{**{%s}, %s, %s}" % (D, F, S)),
        ("fortran_order True", "{%s, 'fortran_order': True, %s}" % (D, S)),
        ("fortran_order parenthesized", "{%s, 'fortran_order': (True), %s}" % (D, S)),
        ("fortran_order 0", "{%s, 'fortran_order': 0, %s}" % (D, S)),
        ("fortran_order 1", "{%s, 'fortran_order': 1, %s}" % (D, S)),
        ("fortran_order true", "{%s, 'fortran_order': true, %s}" % (D, S)),
        ("fortran_order None", "{%s, 'fortran_order': None, %s}" % (D, S)),
        ("fortran_order 'False'", "{%s, 'fortran_order': 'False', %s}" % (D, S)),
        ("fortran_order not False", "{%s, 'fortran_order': not False, %s}" % (D, S)),
        ("fortran_order -True", "{%s, 'fortran_order': -True, %s}" % (D, S)),
        ("True as a name prefix", "{%s, 'fortran_order': Truex, %s}" % (D, S)),
        ("no space after colon", "{'descr':'<f8','fortran_order':False,'shape':(2,3)}"),
        ("tabs", "{'descr':\t'<f8',\t'fortran_order':\tFalse,\t'shape':\t(2,\t3)}"),
        ("newlines inside", "{'descr': '<f8',\n 'fortran_order': False,\n 'shape': (2,\n 3)}"),
        ("CRLF inside", "{'descr': '<f8',\r\n 'fortran_order': False,\r\n 'shape': (2, 3)}"),
        ("CR inside", "{'descr': '<f8',\r 'fortran_order': False,\r 'shape': (2, 3)}"),
        ("formfeed inside", "{'descr': '<f8',\f'fortran_order': False, 'shape': (2, 3)}"),
        ("vertical tab inside", "{'descr': '<f8',\v'fortran_order': False, 'shape': (2, 3)}"),
        ("NBSP inside", "{'descr': '<f8',\xa0'fortran_order': False, 'shape': (2, 3)}"),
        ("NUL inside", "{'descr': '<f8',\x00'fortran_order': False, 'shape': (2, 3)}"),
        ("comment inside", "{'descr': '<f8', # the type\n 'fortran_order': False, 'shape': (2, 3)}"),
        ("comment at the end", "{%s, %s, %s} # a comment" % (D, F, S)),
        ("comment line before", "# a comment\n{%s, %s, %s}" % (D, F, S)),
        ("comment with CR", "# a comment\r{%s, %s, %s}\n" % (D, F, S)),
        ("comment swallows the dict", "# {%s, %s, %s}" % (D, F, S)),
        ("blank lines after", "{%s, %s, %s}\n\n   \n\t\n# c\n" % (D, F, S)),
        ("text on a second line", "{%s, %s, %s}\n{}" % (D, F, S)),
        ("indented second line", "{%s, %s, %s}\n 1" % (D, F, S)),
        ("continuation", "{'descr': '<f8', \\\n'fortran_order': False, 'shape': (2, 3)}"),
        ("continuation outside", "{%s, %s, %s} \\\n" % (D, F, S)),
        ("continuation before", "\\\n{%s, %s, %s}" % (D, F, S)),
        ("continuation at the end", "{%s, %s, %s}\\" % (D, F, S)),
        ("backslash inside", "{'descr': '<f8', \\ 'fortran_order': False, 'shape': (2, 3)}"),
        ("leading space", " {%s, %s, %s}" % (D, F, S)),
        ("leading tab", "\t{%s, %s, %s}" % (D, F, S)),
        ("leading newline", "\n{%s, %s, %s}" % (D, F, S)),
        ("leading newline and space", "\n {%s, %s, %s}" % (D, F, S)),
        ("leading blank line with spaces", "  \n{%s, %s, %s}" % (D, F, S)),
        ("leading formfeed", "\f{%s, %s, %s}" % (D, F, S)),
        ("leading space formfeed", " \f{%s, %s, %s}" % (D, F, S)),
        ("leading formfeed space", "\f {%s, %s, %s}" % (D, F, S)),
        ("leading newline formfeed", "\n\f{%s, %s, %s}" % (D, F, S)),
        ("leading vertical tab", "\v{%s, %s, %s}" % (D, F, S)),
        ("leading CRLF", "\r\n{%s, %s, %s}" % (D, F, S)),
        ("trailing CR", "{%s, %s, %s}\r" % (D, F, S)),
        ("trailing CRLF", "{%s, %s, %s}\r\n" % (D, F, S)),
        ("trailing formfeed", "{%s, %s, %s}\f\n" % (D, F, S)),
        ("trailing vertical tab", "{%s, %s, %s}\v" % (D, F, S)),
        ("trailing NBSP", "{%s, %s, %s}\xa0" % (D, F, S)),
        ("trailing NUL", "{%s, %s, %s}\x00" % (D, F, S)),
        ("no newline", "{%s, %s, %s}" % (D, F, S)),
        ("only spaces after", "{%s, %s, %s}%s" % (D, F, S, " " * 100)),
        ("empty header", ""),
        ("only whitespace", "   \n"),
        ("unbalanced", "{%s, %s, %s" % (D, F, S)),
        ("mismatched bracket", "{%s, %s, 'shape': (2, 3]}" % (D, F)),
        ("colon missing", "{'descr' '<f8', %s, %s}" % (F, S)),
        ("double colon", "{'descr':: '<f8', %s, %s}" % (F, S)),
        ("set as a key", "{%s, %s, %s, {1}: 2}" % (D, F, S)),
        ("list as a key", "{%s, %s, %s, [1]: 2}" % (D, F, S)),
    ]:
        text += "" if text.endswith("\n") or name in (
            "no newline", "comment at the end", "trailing CR", "trailing vertical tab", "trailing NBSP",
            "trailing NUL", "continuation at the end", "comment swallows the dict", "empty header") else "\n"
        # Whitespace is where 1.0 and 2.0 headers (re-tokenized by _filter_header) differ from 3.0.
        add("dict/%s" % name, text)
        add("dict/%s v3.0" % name, text, (3, 0))
    # A value given twice is read and dropped: any literal will do there, and a bad one fails.
    for v in ["None", "...", "True", "1", "-1", "+1", "--1", "-(1)", "-(+1)", "- 1", "1.5", "1.", ".5",
              "1e5", "1E+5", "1e-5", "1e", "1e+", "1_0.5_0e1_0", "0777.0", "0777e1", "0777j", "0777",
              "00", "0e0", "1j", "1J", "1.5j", "1+2j", "1-2j", "-1+2j", "1.5+2j", "1+-2j", "1+2",
              "1j+2j", "1+2j+3j", "(1)+(2j)", "(1+2j)", "-(1+2j)", "2*3", "1 if 1 else 2", "1 or 2",
              "not 1", "~1", "0x", "0x_f", "0x1g", "0b12", "0o8", "1_", "1__0", "1_000", "0_1",
              "1if 1 else 2", "'a'", "b'a'", "(1, 2)", "(1,)", "()", "(1)", "[1, 2]", "[]", "[1,]",
              "{1, 2}", "{1,}", "{}", "{1: 2}", "{1: [2]}", "{'a': {'b': ()}}", "set()", "set( )",
              "set([1])", "frozenset()", "{[1]}", "{(1, [2])}", "((1, [2]),)", "{(1, 2)}", "{{}}",
              "{1: 2, [1]: 2}", "{(): 1}", "{b'a': 1}", "{1.5: 1}", "{None: 1}", "{...: 1}",
              "[*[1]]", "(*(1,),)", "{**{}}", "lambda: 1", "x", "print", "__import__('os')",
              "'a'.upper()", "'a'[0]", "(1 for x in y)", "[1 for x in y]", "1 < 2", "(yield)",
              "(x := 1)", "1L", "0L", "1.5L", "1jL", "u'a'", "r'a'", "'a' 'b'", "f'a'",
              "[[[[[[[[[[1]]]]]]]]]]", "-1.5e3-2J", "1e400", "1" * 5000 + ".0", "-0x8000000000000001"]:
        add("overwritten value/%s" % (v if len(v) < 60 else v[:20] + "..."),
            hdr("%s, 'descr': '<f8'" % v))
    # Nesting depth: CPython allows 200 levels of brackets, the dict's own included.
    for n in [199, 200]:
        add("depth/parens %d" % (n + 1), hdr("%s'<f8'%s" % ("(" * n, ")" * n)))
        add("depth/lists %d" % (n + 2), hdr("%s, 'descr': '<f8'" % ("[" * n + "]" * n)))
    # Header length: at most 10000 characters, spaces and newline included.
    base = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
    for n in [10000, 10001]:
        add("length/%d characters v1.0" % n, base + " " * (n - len(base) - 1) + "\n")
        add("length/%d characters v2.0" % n, base + " " * (n - len(base) - 1) + "\n", (2, 0))
    # 10000 characters of which some take two bytes in UTF-8: the limit counts characters.
    for n in [10000, 10001]:
        h = "{'descr': '\xe9', " + base[1:]
        add("length/%d characters, UTF-8 v3.0" % n, h + "\xe9" * 0 + " " * (n - len(h) - 1) + "\n", (3, 0))


def versions():
    base = hdr("'<f8'")
    for v in [(1, 0), (2, 0), (3, 0)]:
        add("version/%d.0" % v[0], base, v)
    # Format 1.0 and 2.0 headers are latin-1, 3.0 headers UTF-8.
    h = "{'descr': '\xe9', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n"
    for v in [(1, 0), (2, 0), (3, 0)]:
        add("version/non-ASCII in a string v%d.0" % v[0], h, v)
    add("version/non-ASCII outside a string v3.0", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\u2003\n", (3, 0))
    add("version/invalid UTF-8 v3.0", b"{'descr': '\xff', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n", (3, 0))
    add("version/surrogate in UTF-8 v3.0", b"{'descr': '\xed\xa0\x80', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n", (3, 0))
    add("version/BOM v3.0", "\ufeff" + base, (3, 0))
    add("version/UTF-8 bytes read as latin-1 v1.0", "{'descr': '\xc3\xa9', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n", (1, 0))
    pre = b"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n"
    for v in [(0, 0), (1, 1), (2, 1), (3, 1), (4, 0), (255, 255)]:
        add("version/%d.%d" % v, raw=MAGIC + bytes(v) + struct.pack("<H", len(pre)) + pre)


def test_format_headers():
    """The headers of NumPy's own numpy/lib/tests/test_format.py and its data files."""
    path = os.path.join(os.path.dirname(np.__file__), "lib", "tests", "test_format.py")
    with open(path) as f:
        src = f.read()
    import ast
    seen = 0
    for line in src.splitlines():
        s = line.strip()
        if s.startswith('"') and s.endswith('"') and ("descr" in s):
            b = ast.literal_eval(s)  # the repr of the header NumPy writes, with its length
            text = b[2:]
            add("test_format.py/%d %s" % (seen, text.split(",")[0][:40].strip()), text)
            seen += 1
    # test_bad_header
    add("test_format.py/bad header: no fortran_order",
        raw=b"\x93NUMPY\x01\x006\x00{'descr': 'x', 'shape': (1, 2), }" + b"                    \n")
    f = io.BytesIO()
    npformat.write_array_header_1_0(f, {"shape": (1, 2), "fortran_order": False, "descr": "x", "extrakey": -1})
    add("test_format.py/bad header: extra key", raw=f.getvalue())
    for i, m in enumerate([b'\x93NUMPY\x01\x01', b'\x93NUMPY\x00\x00', b'\x93NUMPY\x00\x01',
                           b'\x93NUMPY\x02\x02', b'\x93NUMPY\xff\xff', b'\x92NUMPY\x01\x00',
                           b'\x00NUMPY\x01\x00', b'\x93numpy\x01\x00', b'\x93MATLB\x01\x00',
                           b'\x93NUMPY\x01', b'\x93NUMPY', b'', b'1', b'\x01\x00']):
        add("test_format.py/bad magic %d %r" % (i, m), raw=m)
    data = os.path.join(os.path.dirname(path), "data")
    for name in sorted(os.listdir(data)):
        if name.endswith(".npy"):
            with open(os.path.join(data, name), "rb") as f:
                b = f.read()
            major = b[6]
            n = struct.unpack("<H", b[8:10])[0] if major == 1 else struct.unpack("<I", b[8:12])[0]
            start = 10 if major == 1 else 12
            add("test_format.py/data/%s" % name, raw=b[:start + n])


def main():
    numpy_writes()
    descr_spellings()
    descr_values()
    shapes()
    dicts()
    versions()
    test_format_headers()
    with open(CORPUS, "w") as f:
        f.write('{"numpy": %s, "python": %s, "platform": %s,\n "entries": [\n' % (
            json.dumps(np.__version__), json.dumps(sys.version.split()[0]),
            json.dumps("%s %s %s-endian" % (sys.platform, os.uname().machine, sys.byteorder))))
        f.write(",\n".join("  " + json.dumps(e, sort_keys=False) for e in entries))
        f.write("\n]}\n")
    acc = sum(e["accepted"] for e in entries)
    print("%d headers, %d accepted by NumPy %s" % (len(entries), acc, np.__version__))


if __name__ == "__main__":
    main()
