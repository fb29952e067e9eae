using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Identity;

/// <summary>
/// Who is who on each server, from a client's side, in <c>members</c>: one line per member name per server,
/// <c>base64(server identity digest) name base64(member identity digest) known|verified first-seen</c> (the name
/// escaped by <see cref="FieldText"/> so a peer's name can never break the line; first-seen a UTC ISO date), comment
/// lines starting with '#'. A name is pinned to the identity it was first seen with (trust on first use, as
/// <see cref="KnownServers"/> pins servers); the same name (compared by the key the caller gives, so look-alikes count
/// as the same name) with another identity is <see cref="TrustState.Changed"/>, and the pin is only replaced by
/// <see cref="Pin"/>, the user's deliberate choice (<c>/verify</c>, <c>/accept</c>). Lines that do not parse are
/// skipped and kept; the first line for a server and name decides. At most <see cref="MaxEntries"/> are stored; past
/// that, new names are reported new each time and not written. The hub chooses the names and digests it announces,
/// so nothing here is trusted beyond what the user confirmed. Thread-safe and safe across processes sharing the
/// directory. The file is kept in memory with an index by server and name (<see cref="CachedTrustFile"/>), so
/// entering a lobby of thousands costs a lookup and an appended line per stranger, not a read and rewrite of the
/// whole file each (which took 80 s for 2,000); <see cref="Pin"/> is on disk when it returns.
/// </summary>
public sealed class KnownMembers
{
    public const string FileName = "members";

    /// <summary>The most names stored (each line is under 300 bytes, so the file stays under 3 MiB).</summary>
    public const int MaxEntries = 10_000;

    private readonly CachedTrustFile _file;
    private readonly Func<string, string> _nameKey;
    private readonly TimeProvider _time;

    /// <summary>The line of each server's name's first well-formed line (by server digest and name key); under the file's lock, rebuilt on every reload.</summary>
    private readonly Dictionary<(string Server, string NameKey), int> _index = [];

    /// <summary>Well-formed lines.</summary>
    private int _count;

    /// <param name="nameKey">The comparison key of a name: two names with the same key are the same name.</param>
    public KnownMembers(ConfigDirectory directory, Func<string, string> nameKey, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(nameKey);
        _nameKey = nameKey;
        _file = new CachedTrustFile(directory, FileName,
            "SecureChat members: server-identity-digest(base64) name(%XX-escaped) member-identity-digest(base64) known|verified first-seen(UTC); " +
            "a name seen with another identity is reported CHANGED until /accept NAME or /verify NAME", Index);
        _time = time ?? TimeProvider.System;
    }

    public string FilePath => _file.Path;

    /// <summary>Waits until every change made so far is on disk.</summary>
    /// <exception cref="ConfigFileException">the last write failed.</exception>
    public void Flush() => _file.Flush();

    /// <summary>What the file says about <paramref name="name"/> with <paramref name="digest"/> on this server; writes nothing.</summary>
    public MemberTrust Check(ReadOnlySpan<byte> server, string name, ReadOnlySpan<byte> digest)
    {
        (byte[] s, byte[] d) = (RequireDigest(server), RequireDigest(digest));
        ArgumentNullException.ThrowIfNull(name);
        return _file.Read(lines => Judge(Find(lines, s, name), d));
    }

    /// <summary>
    /// A member was announced: a name not pinned yet is pinned to <paramref name="digest"/> as known (New is returned;
    /// the line is appended at once and reaches the disk moments later); otherwise what the file says (Known, Verified,
    /// or Changed with the pinned digest), and nothing changes.
    /// </summary>
    public MemberTrust See(ReadOnlySpan<byte> server, string name, ReadOnlySpan<byte> digest)
    {
        (byte[] s, byte[] d) = (RequireDigest(server), RequireDigest(digest));
        ArgumentNullException.ThrowIfNull(name);
        return _file.Change(lines =>
        {
            if (Find(lines, s, name) is { } found)
            {
                return Judge(found, d);
            }

            Add(lines, s, name, Format(s, name, d, TrustState.Known));
            return new MemberTrust(TrustState.New, null);
        });
    }

    /// <summary>
    /// The user's decision: <paramref name="name"/> on this server is <paramref name="digest"/> from now on, verified
    /// (after comparing the safety number) or known (accepted); on disk when this returns. False only when the file
    /// is full.
    /// </summary>
    public bool Pin(ReadOnlySpan<byte> server, string name, ReadOnlySpan<byte> digest, bool verified)
    {
        (byte[] s, byte[] d) = (RequireDigest(server), RequireDigest(digest));
        ArgumentNullException.ThrowIfNull(name);
        TrustState state = verified ? TrustState.Verified : TrustState.Known;
        bool stored = _file.Change(lines =>
        {
            if (Find(lines, s, name) is { } found)
            {
                DateOnly? first = found.Entry.Digest.AsSpan().SequenceEqual(d) ? found.Entry.FirstSeen : null;
                string line = Format(s, name, d, state, first);
                if (lines[found.Index] != line)
                {
                    lines[found.Index] = line;
                    _file.Rewrite();
                }

                return true;
            }

            return Add(lines, s, name, Format(s, name, d, state));
        });
        _file.Flush(); // the user's decision is on disk before it is reported done
        return stored;
    }

    private static MemberTrust Judge((int Index, Entry Entry)? found, byte[] digest) => found switch
    {
        null => new MemberTrust(TrustState.New, null),
        { Entry: var e } when e.Digest.AsSpan().SequenceEqual(digest) => new MemberTrust(e.State, e.Digest),
        { Entry: var e } => new MemberTrust(TrustState.Changed, e.Digest),
    };

    /// <summary>Under the file's lock: the first well-formed line for this server and name (or null).</summary>
    private (int Index, Entry Entry)? Find(List<string> lines, byte[] server, string name) =>
        _index.TryGetValue((Convert.ToBase64String(server), _nameKey(name)), out int index) && TryParse(lines[index], out Entry entry)
            ? (index, entry)
            : null;

    /// <summary>Under the file's lock: stores a new name (appended on disk); false when <see cref="MaxEntries"/> are stored.</summary>
    private bool Add(List<string> lines, byte[] server, string name, string line)
    {
        if (_count >= MaxEntries)
        {
            return false;
        }

        _index[(Convert.ToBase64String(server), _nameKey(name))] = lines.Count;
        _file.Append(line);
        _count++;
        return true;
    }

    /// <summary>Rebuilds the index from the file's lines (the first line for a server and name decides).</summary>
    private void Index(List<string> lines)
    {
        _index.Clear();
        _count = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            if (TryParse(lines[i], out Entry entry))
            {
                _count++;
                _index.TryAdd((Convert.ToBase64String(entry.Server), _nameKey(entry.Name)), i);
            }
        }
    }

    private static bool TryParse(string line, out Entry entry)
    {
        entry = default;
        string[]? fields = FieldText.Fields(line);
        if (fields is null || fields.Length < 4 || !FieldText.TryParseKey(fields[0], out byte[] server)
            || !FieldText.TryUnescape(fields[1], out string name) || name.Length == 0
            || !FieldText.TryParseKey(fields[2], out byte[] digest) || !FieldText.TryParseState(fields[3], out TrustState state))
        {
            return false;
        }

        entry = new Entry(server, name, digest, state, FieldText.ParseDate(fields, 4));
        return true;
    }

    private string Format(byte[] server, string name, byte[] digest, TrustState state, DateOnly? firstSeen = null) =>
        $"{Convert.ToBase64String(server)} {FieldText.Escape(name)} {Convert.ToBase64String(digest)} {FieldText.StateWord(state)} {FieldText.FormatDate(firstSeen ?? FieldText.Today(_time))}";

    private static byte[] RequireDigest(ReadOnlySpan<byte> digest) =>
        digest.Length == IdentityFingerprint.DigestSize
            ? digest.ToArray()
            : throw new ArgumentException("an identity digest is 32 bytes", nameof(digest));

    private readonly record struct Entry(byte[] Server, string Name, byte[] Digest, TrustState State, DateOnly? FirstSeen);
}
