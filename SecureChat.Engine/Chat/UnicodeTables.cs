using System.Text;

namespace SecureChat.Engine.Chat;

/// <summary>
/// Normalisation (NFD, NFC: Unicode Standard Annex #15), the confusable skeleton (Unicode Technical Standard #39,
/// section 4) and the default-ignorable property, over the generated tables of <c>UnicodeTables.g.cs</c>
/// (<c>tools/gen-unicode-tables.py</c>, Unicode <see cref="Version"/>). The engine carries its own data because the
/// app runs with InvariantGlobalization, where <see cref="string.Normalize()"/> leaves non-ASCII text unchanged.
/// Thread-safe (pure).
/// </summary>
internal static partial class UnicodeTables
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    public static bool IsDefaultIgnorable(int codePoint)
    {
        ReadOnlySpan<int> ranges = DefaultIgnorableRanges;
        int lo = 0, hi = ranges.Length / 2 - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (codePoint < ranges[2 * mid])
            {
                hi = mid - 1;
            }
            else if (codePoint > ranges[2 * mid + 1])
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    public static int CombiningClass(int codePoint)
    {
        int i = CombiningCodePoints.BinarySearch(codePoint);
        return i >= 0 ? CombiningClasses[i] : 0;
    }

    /// <summary>Canonical decomposition (NFD) of well-formed text (a lone surrogate passes through unchanged).</summary>
    public static string Nfd(string text) => Build(Decompose(text));

    /// <summary>Canonical decomposition followed by canonical composition (NFC).</summary>
    public static string Nfc(string text) => Build(Compose(Decompose(text)));

    /// <summary>
    /// The UTS #39 skeleton: NFD, default-ignorable code points removed, each code point replaced by its prototype
    /// from confusables.txt, NFD again. Two strings with the same skeleton are visually confusable.
    /// </summary>
    public static string Skeleton(string text)
    {
        var mapped = new List<int>();
        foreach (int cp in Decompose(text))
        {
            if (IsDefaultIgnorable(cp))
            {
                continue;
            }

            int i = ConfusableSources.BinarySearch(cp);
            if (i < 0)
            {
                mapped.Add(cp);
                continue;
            }

            string prototype = ConfusableTargets[ConfusableStarts[i]..ConfusableStarts[i + 1]];
            mapped.AddRange(SafeText.CodePoints(prototype));
        }

        return Nfd(Build(mapped));
    }

    private static List<int> Decompose(string text)
    {
        var result = new List<int>(text.Length);
        foreach (int cp in SafeText.CodePoints(text))
        {
            if (cp is >= SBase and < SBase + SCount)
            {
                int s = cp - SBase;
                result.Add(LBase + s / NCount);
                result.Add(VBase + s % NCount / TCount);
                if (s % TCount != 0)
                {
                    result.Add(TBase + s % TCount);
                }

                continue;
            }

            int i = DecompositionSources.BinarySearch(cp);
            if (i < 0)
            {
                result.Add(cp);
            }
            else
            {
                result.AddRange(SafeText.CodePoints(Decompositions[DecompositionStarts[i]..DecompositionStarts[i + 1]]));
            }
        }

        // Canonical ordering: a stable sort of each run of non-starters by combining class.
        for (int start = 0; start < result.Count; start++)
        {
            if (CombiningClass(result[start]) == 0)
            {
                continue;
            }

            int end = start;
            while (end < result.Count && CombiningClass(result[end]) != 0)
            {
                end++;
            }

            int[] run = [.. result.GetRange(start, end - start).OrderBy(CombiningClass)];
            for (int k = 0; k < run.Length; k++)
            {
                result[start + k] = run[k];
            }

            start = end;
        }

        return result;
    }

    private static List<int> Compose(List<int> decomposed)
    {
        var result = new List<int>(decomposed.Count);
        int starter = -1;
        int lastClass = -1;
        foreach (int cp in decomposed)
        {
            int cc = CombiningClass(cp);
            bool blocked = lastClass != -1 && (lastClass == 0 || lastClass >= cc);
            if (starter >= 0 && !blocked && TryCompose(result[starter], cp, out int composite))
            {
                result[starter] = composite;
                continue;
            }

            if (cc == 0)
            {
                starter = result.Count;
                lastClass = -1;
            }
            else
            {
                lastClass = cc;
            }

            result.Add(cp);
        }

        return result;
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            composite = SBase + ((first - LBase) * VCount + (second - VBase)) * TCount;
            return true;
        }

        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            composite = first + (second - TBase);
            return true;
        }

        int i = CompositionKeys.BinarySearch(((long)first << 21) | (uint)second);
        composite = i >= 0 ? CompositionResults[i] : 0;
        return i >= 0;
    }

    private static string Build(List<int> codePoints)
    {
        var text = new StringBuilder(codePoints.Count);
        foreach (int cp in codePoints)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                text.Append((char)cp);
            }
            else
            {
                text.Append(char.ConvertFromUtf32(cp));
            }
        }

        return text.ToString();
    }
}
