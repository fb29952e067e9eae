using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using SecureChat.Engine.Crypto;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// Reads another process's memory the way an attacker with the same user id (or a core dump, or a swap file) does:
/// every readable and writable mapping in <c>/proc/PID/maps</c>, read through <c>/proc/PID/mem</c>. Two searches:
/// <list type="bullet">
/// <item><see cref="FindExponents"/>: every window of ExponentBits/8 bytes that starts a heap block (a managed
/// array: byte[], BigInteger's uint[] limbs; or a malloc block: libcrypto's BIGNUM words) and looks uniformly
/// random is tried as a Diffie-Hellman exponent x, big-endian and reversed (BigInteger and BIGNUMs keep numbers
/// little-endian), and reported when 2^x mod p equals one of the public values seen on the wire. Trying every
/// random-looking aligned window instead finds the same exponents but takes minutes (about 230,000 distinct
/// windows of ciphertext, hashes and code at half a millisecond each); block starts bring it to seconds.</item>
/// <item><see cref="FindExact"/>: exact occurrences (8-byte aligned) of known secrets: shared secrets, master and
/// traffic keys.</item>
/// </list>
/// Not thread-safe; one scan at a time.
/// </summary>
internal static class ProcessMemory
{
    private const int ChunkSize = 4 << 20;
    private const int Alignment = 8;

    /// <summary>True when this process may read another process's memory of the same user here (no Yama lock-down).</summary>
    public static bool CanRead(out string reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            reason = "needs Linux /proc";
            return false;
        }

        const string yama = "/proc/sys/kernel/yama/ptrace_scope";
        if (File.Exists(yama) && File.ReadAllText(yama).Trim() is not "0" and not "1")
        {
            reason = $"{yama} forbids reading another process's memory";
            return false;
        }

        reason = "";
        return true;
    }

    public sealed record Region(long Start, long End, string Description);

    public sealed record Hit(string What, long Address, string Region);

    public sealed record ScanStatistics(long BytesRead, int Regions, int Candidates, int UniqueCandidates, TimeSpan Elapsed);

    /// <summary>Every readable and writable mapping (heap, GC heap, stacks, malloc arenas, writable data).</summary>
    public static List<Region> WritableRegions(int pid)
    {
        var regions = new List<Region>();
        foreach (string line in File.ReadAllLines($"/proc/{pid}/maps"))
        {
            string[] parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 5 || parts[1].Length < 2 || parts[1][0] != 'r' || parts[1][1] != 'w')
            {
                continue;
            }

            string name = parts.Length == 6 ? parts[5].Trim() : "";
            if (name is "[vvar]" or "[vsyscall]" or "[vvar_vclock]")
            {
                continue;
            }

            string[] range = parts[0].Split('-');
            regions.Add(new Region(
                long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                name.Length == 0 ? "anonymous" : name));
        }

        return regions;
    }

    /// <summary>
    /// Finds every exponent x in the process's writable memory with 2^x mod p equal to one of
    /// <paramref name="publicValues"/> (each exactly ElementSize bytes).
    /// </summary>
    public static (List<Hit> Hits, ScanStatistics Statistics) FindExponents(int pid, DhGroup group, IReadOnlyList<byte[]> publicValues)
    {
        var clock = Stopwatch.StartNew();
        int size = group.ExponentBits / 8;
        int minDistinct = size * 7 / 10; // 32 random bytes hold about 30 distinct values; code, pointers and text far fewer
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var found = new List<(byte[] Window, long Address, string Region)>();
        int candidates = 0;
        (long bytes, int regions) = ForEachChunk(pid, size, (chunk, usable, address, region) =>
        {
            Span<ulong> present = stackalloc ulong[4];
            for (int offset = 0; offset < usable; offset += Alignment)
            {
                ReadOnlySpan<byte> window = chunk.Slice(offset, size);
                // Cheap filters first: the window starts a heap block (the word before it is a managed array's
                // length or a malloc chunk's size, never random), and its bytes look uniformly random.
                if (offset < Alignment || !IsBlockHeader(BinaryPrimitives.ReadUInt64LittleEndian(chunk[(offset - Alignment)..])) ||
                    window.Count((byte)0) > 2 || !ManyDistinct(window, minDistinct, present))
                {
                    continue;
                }

                candidates++;
                byte[] copy = window.ToArray();
                if (seen.Add(copy))
                {
                    found.Add((copy, address + offset, region));
                }
            }
        });

        var hits = new List<Hit>();
        byte[] power = new byte[group.ElementSize];
        byte[] reversed = new byte[size];
        foreach ((byte[] window, long address, string region) in found)
        {
            window.CopyTo(reversed, 0);
            Array.Reverse(reversed);
            foreach ((byte[] exponent, string order) in new[] { (window, "big-endian"), (reversed, "little-endian") })
            {
                ModularArithmetic.ModPow([2], exponent, group, power);
                for (int i = 0; i < publicValues.Count; i++)
                {
                    if (power.AsSpan().SequenceEqual(publicValues[i]))
                    {
                        hits.Add(new Hit($"exponent of public value {i} ({order})", address, region));
                    }
                }
            }
        }

        return (hits, new ScanStatistics(bytes, regions, candidates, found.Count, clock.Elapsed));
    }

    /// <summary>Every 8-byte aligned occurrence of each secret (at least 16 bytes long) in the process's writable memory.</summary>
    public static (List<Hit> Hits, ScanStatistics Statistics) FindExact(int pid, IReadOnlyDictionary<string, byte[]> secrets)
    {
        var clock = Stopwatch.StartNew();
        var byPrefix = new Dictionary<ulong, List<(string Name, byte[] Value)>>();
        int longest = 0;
        foreach ((string name, byte[] value) in secrets)
        {
            if (value.Length < 16)
            {
                throw new ArgumentException($"{name}: too short to search for without false positives");
            }

            ulong prefix = BinaryPrimitives.ReadUInt64LittleEndian(value);
            if (!byPrefix.TryGetValue(prefix, out List<(string, byte[])>? list))
            {
                byPrefix[prefix] = list = [];
            }

            list.Add((name, value));
            longest = Math.Max(longest, value.Length);
        }

        var hits = new List<Hit>();
        int matches = 0;
        (long bytes, int regions) = ForEachChunk(pid, longest, (chunk, usable, address, region) =>
        {
            for (int offset = 0; offset < usable; offset += Alignment)
            {
                if (!byPrefix.TryGetValue(BinaryPrimitives.ReadUInt64LittleEndian(chunk[offset..]), out List<(string Name, byte[] Value)>? list))
                {
                    continue;
                }

                foreach ((string name, byte[] value) in list)
                {
                    if (offset + value.Length <= chunk.Length && chunk.Slice(offset, value.Length).SequenceEqual(value))
                    {
                        matches++;
                        hits.Add(new Hit(name, address + offset, region));
                    }
                }
            }
        });

        return (hits, new ScanStatistics(bytes, regions, matches, matches, clock.Elapsed));
    }

    /// <summary>
    /// Every occurrence, at any byte offset, of each needle (at least 16 bytes long) in the process's writable memory:
    /// for text, which a managed string keeps 12 bytes into its object and a UTF-8 buffer anywhere.
    /// </summary>
    public static (List<Hit> Hits, ScanStatistics Statistics) FindAnywhere(int pid, IReadOnlyDictionary<string, byte[]> needles)
    {
        var clock = Stopwatch.StartNew();
        if (needles.Values.FirstOrDefault(n => n.Length < 16) is not null)
        {
            throw new ArgumentException("a needle is too short to search for without false positives", nameof(needles));
        }

        int longest = needles.Values.Max(n => n.Length);
        var hits = new List<Hit>();
        (long bytes, int regions) = ForEachChunk(pid, longest, (chunk, usable, address, region) =>
        {
            foreach ((string name, byte[] needle) in needles)
            {
                int from = 0;
                while (from < usable)
                {
                    int at = chunk[from..].IndexOf(needle);
                    if (at < 0 || from + at >= usable)
                    {
                        break;
                    }

                    hits.Add(new Hit(name, address + from + at, region));
                    from += at + 1;
                }
            }
        });

        return (hits, new ScanStatistics(bytes, regions, hits.Count, hits.Count, clock.Elapsed));
    }

    private delegate void ChunkHandler(ReadOnlySpan<byte> chunk, int usable, long address, string region);

    /// <summary>
    /// Reads each writable region in chunks that overlap by <paramref name="overlap"/> bytes, so a window that
    /// straddles two chunks is still seen whole; <c>usable</c> is how many leading offsets belong to this chunk.
    /// </summary>
    private static (long Bytes, int Regions) ForEachChunk(int pid, int overlap, ChunkHandler handler)
    {
        long total = 0;
        int regions = 0;
        byte[] buffer = new byte[ChunkSize + overlap];
        using var memory = new FileStream($"/proc/{pid}/mem", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        foreach (Region region in WritableRegions(pid))
        {
            regions++;
            for (long position = region.Start; position < region.End; position += ChunkSize)
            {
                int length = (int)Math.Min(ChunkSize + overlap, region.End - position);
                int read;
                try
                {
                    memory.Seek(position, SeekOrigin.Begin);
                    read = ReadFully(memory, buffer.AsSpan(0, length));
                }
                catch (IOException)
                {
                    break; // a guard page or a mapping that went away: the rest of this region is unreadable
                }

                total += Math.Min(read, ChunkSize);
                int usable = Math.Min(ChunkSize, read - overlap + 1);
                if (usable > 0)
                {
                    handler(buffer.AsSpan(0, read), usable, position, region.Description);
                }

                if (read < length)
                {
                    break;
                }
            }
        }

        return (total, regions);
    }

    private static int ReadFully(FileStream stream, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = stream.Read(destination[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>
    /// A managed array's length (with the 4 bytes of padding after it on 64-bit) or a glibc malloc chunk's size
    /// with its flag bits: a small number, where 8 random bytes would be one with probability 2^-40.
    /// </summary>
    private static bool IsBlockHeader(ulong word) => word is > 0 and < (1UL << 24);

    private static bool ManyDistinct(ReadOnlySpan<byte> window, int minimum, Span<ulong> present)
    {
        present.Clear();
        int distinct = 0;
        foreach (byte b in window)
        {
            ulong bit = 1UL << (b & 63);
            ref ulong word = ref present[b >> 6];
            if ((word & bit) == 0)
            {
                word |= bit;
                distinct++;
            }
        }

        return distinct >= minimum;
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
