#!/usr/bin/env python3
"""Generates SecureChat.Engine/Chat/UnicodeTables.g.cs: the Unicode data the engine needs to normalise names (NFC/NFD),
compute UTS #39 skeletons (confusables) and recognise default-ignorable code points, which .NET cannot do itself when
the app runs with InvariantGlobalization (string.Normalize then leaves non-ASCII text unchanged).

Usage: python3 tools/gen-unicode-tables.py UCD_DIR > SecureChat.Engine/Chat/UnicodeTables.g.cs

UCD_DIR holds, all of one Unicode version (17.0.0 when this was last run):
  confusables.txt                 https://www.unicode.org/Public/security/17.0.0/confusables.txt
  UnicodeData.txt                 https://www.unicode.org/Public/17.0.0/ucd/UnicodeData.txt
  DerivedCoreProperties.txt       https://www.unicode.org/Public/17.0.0/ucd/DerivedCoreProperties.txt
  DerivedNormalizationProps.txt   https://www.unicode.org/Public/17.0.0/ucd/DerivedNormalizationProps.txt
The SHA-256 of each input is written into the generated file's header, so a regeneration can be checked.
"""
import hashlib
import os
import re
import sys

def read(d, name):
    with open(os.path.join(d, name), encoding="utf-8") as f:
        return f.read()

def header_line(text, prefix):
    for line in text.splitlines()[:20]:
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    return "?"

def ranges_with(text, prop):
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        cps, name = [p.strip() for p in line.split(";")[:2]]
        if name != prop:
            continue
        a, _, b = cps.partition("..")
        out.append((int(a, 16), int(b or a, 16)))
    out.sort()
    merged = []
    for a, b in out:
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged

def utf16_literal(cps):
    s = []
    for cp in cps:
        if cp > 0xFFFF:
            v = cp - 0x10000
            s.append("\\u%04X\\u%04X" % (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)))
        elif 0x20 <= cp < 0x7F and chr(cp) not in '"\\':
            s.append(chr(cp))
        else:
            s.append("\\u%04X" % cp)
    return "".join(s)

def int_list(values, per_line=12, fmt="0x{:X}"):
    items = [fmt.format(v) for v in values]
    lines = []
    for i in range(0, len(items), per_line):
        lines.append("        " + ", ".join(items[i:i + per_line]) + ",")
    return "\n".join(lines)

def string_chunks(literal, width=110):
    # Split only between escapes so no \\uXXXX is cut in half.
    tokens = re.findall(r"\\u[0-9A-F]{4}|.", literal)
    lines, cur = [], ""
    for t in tokens:
        if len(cur) + len(t) > width:
            lines.append(cur)
            cur = ""
        cur += t
    if cur:
        lines.append(cur)
    return "\n".join('        "%s" +' % l for l in lines)[:-2] if lines else '        ""'

def main():
    d = sys.argv[1]
    conf = read(d, "confusables.txt")
    data = read(d, "UnicodeData.txt")
    core = read(d, "DerivedCoreProperties.txt")
    norm = read(d, "DerivedNormalizationProps.txt")

    # Confusables: source -> prototype sequence.
    confusables = {}
    for line in conf.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        src, tgt = [p.strip() for p in line.split(";")[:2]]
        confusables[int(src, 16)] = [int(x, 16) for x in tgt.split()]

    # Canonical decompositions and combining classes.
    direct, ccc = {}, {}
    for line in data.splitlines():
        f = line.split(";")
        cp = int(f[0], 16)
        if int(f[3]) != 0:
            ccc[cp] = int(f[3])
        if f[5] and not f[5].startswith("<"):
            direct[cp] = [int(x, 16) for x in f[5].split()]

    def full(cp):
        if cp in direct:
            return [y for x in direct[cp] for y in full(x)]
        return [cp]

    exclusions = ranges_with(norm, "Full_Composition_Exclusion")
    def excluded(cp):
        return any(a <= cp <= b for a, b in exclusions)
    compositions = sorted(((m[0] << 21) | m[1], cp) for cp, m in direct.items() if len(m) == 2 and not excluded(cp))

    ignorable = ranges_with(core, "Default_Ignorable_Code_Point")

    dec_sources = sorted(direct)
    dec_text = [full(cp) for cp in dec_sources]
    dec_starts, pos = [], 0
    for seq in dec_text:
        dec_starts.append(pos)
        pos += sum(2 if c > 0xFFFF else 1 for c in seq)
    dec_starts.append(pos)

    conf_sources = sorted(confusables)
    conf_starts, pos = [], 0
    for cp in conf_sources:
        conf_starts.append(pos)
        pos += sum(2 if c > 0xFFFF else 1 for c in confusables[cp])
    conf_starts.append(pos)

    ccc_sources = sorted(ccc)

    sha = {n: hashlib.sha256(read(d, n).encode("utf-8")).hexdigest() for n in
           ("confusables.txt", "UnicodeData.txt", "DerivedCoreProperties.txt", "DerivedNormalizationProps.txt")}

    out = []
    w = out.append
    w("// <auto-generated>")
    w("// Generated by tools/gen-unicode-tables.py; do not edit by hand.")
    w("// Sources (Unicode %s):" % header_line(conf, "# Version:"))
    w("//   https://www.unicode.org/Public/security/17.0.0/confusables.txt (%s), sha256 %s" % (header_line(conf, "# Date:"), sha["confusables.txt"]))
    w("//   https://www.unicode.org/Public/17.0.0/ucd/UnicodeData.txt, sha256 %s" % sha["UnicodeData.txt"])
    w("//   https://www.unicode.org/Public/17.0.0/ucd/DerivedCoreProperties.txt, sha256 %s" % sha["DerivedCoreProperties.txt"])
    w("//   https://www.unicode.org/Public/17.0.0/ucd/DerivedNormalizationProps.txt, sha256 %s" % sha["DerivedNormalizationProps.txt"])
    w("// Unicode data: Copyright Unicode, Inc., under the Unicode License (https://www.unicode.org/license.txt).")
    w("// </auto-generated>")
    w("")
    w("namespace SecureChat.Engine.Chat;")
    w("")
    w("internal static partial class UnicodeTables")
    w("{")
    w("    /// <summary>Unicode version of the data below.</summary>")
    w('    public const string Version = "%s";' % header_line(conf, "# Version:"))
    w("")
    w("    /// <summary>Default_Ignorable_Code_Point, as inclusive ranges: first, last, first, last, ...</summary>")
    w("    private static ReadOnlySpan<int> DefaultIgnorableRanges => new int[]")
    w("    {")
    w(int_list([x for r in ignorable for x in r]))
    w("    };")
    w("")
    w("    /// <summary>Code points with a non-zero canonical combining class, sorted; the class is at the same index in <see cref=\"CombiningClasses\"/>.</summary>")
    w("    private static ReadOnlySpan<int> CombiningCodePoints => new int[]")
    w("    {")
    w(int_list(ccc_sources))
    w("    };")
    w("")
    w("    private static ReadOnlySpan<byte> CombiningClasses => new byte[]")
    w("    {")
    w(int_list([ccc[c] for c in ccc_sources], 20, "{}"))
    w("    };")
    w("")
    w("    /// <summary>Code points with a canonical decomposition, sorted; the full (recursive) decomposition is in <see cref=\"Decompositions\"/> from <see cref=\"DecompositionStarts\"/>[i] to [i + 1].</summary>")
    w("    private static ReadOnlySpan<int> DecompositionSources => new int[]")
    w("    {")
    w(int_list(dec_sources))
    w("    };")
    w("")
    w("    private static ReadOnlySpan<ushort> DecompositionStarts => new ushort[]")
    w("    {")
    w(int_list(dec_starts, 16, "{}"))
    w("    };")
    w("")
    w("    private const string Decompositions =")
    w(string_chunks(utf16_literal([c for s in dec_text for c in s])) + ";")
    w("")
    w("    /// <summary>Primary composites: key (first << 21 | second), sorted; the composite is at the same index in <see cref=\"CompositionResults\"/>.</summary>")
    w("    private static ReadOnlySpan<long> CompositionKeys => new long[]")
    w("    {")
    w(int_list([k for k, _ in compositions], 8))
    w("    };")
    w("")
    w("    private static ReadOnlySpan<int> CompositionResults => new int[]")
    w("    {")
    w(int_list([v for _, v in compositions]))
    w("    };")
    w("")
    w("    /// <summary>confusables.txt sources, sorted; the prototype is in <see cref=\"ConfusableTargets\"/> from <see cref=\"ConfusableStarts\"/>[i] to [i + 1].</summary>")
    w("    private static ReadOnlySpan<int> ConfusableSources => new int[]")
    w("    {")
    w(int_list(conf_sources))
    w("    };")
    w("")
    w("    private static ReadOnlySpan<ushort> ConfusableStarts => new ushort[]")
    w("    {")
    w(int_list(conf_starts, 16, "{}"))
    w("    };")
    w("")
    w("    private const string ConfusableTargets =")
    w(string_chunks(utf16_literal([c for s in conf_sources for c in confusables[s]])) + ";")
    w("}")
    sys.stdout.write("\n".join(out) + "\n")

if __name__ == "__main__":
    main()
