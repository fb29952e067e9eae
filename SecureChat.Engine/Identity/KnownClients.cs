using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session.Trust;
namespace SecureChat.Engine.Identity;

/// <summary>
/// The server's memory of client identities, in <c>known_clients</c>: one line per identity,
/// <c>base64(public key) known|verified first-seen last-name</c> (first-seen a UTC ISO date; the last name escaped by
/// <see cref="FieldText"/> so a peer's name can never break the line; absent when unknown), comment lines starting
/// with '#'. Lines that do not parse are skipped and kept; the first line for a key decides. Every new identity a
/// peer makes up adds a line, so at most <see cref="MaxEntries"/> are stored; past that, new identities are treated
/// as new each time and not written. Thread-safe and safe across processes sharing the directory.
/// <para>
/// The file is kept in memory with an index by key (<see cref="CachedTrustFile"/>): a check or a change costs a lookup
/// and no parsing, rewrite or fsync on the caller's thread (a hub checks every joining client); a new identity is
/// appended at once (fsynced moments later), and a changed last name is written with the next rewrite on the thread
/// pool, once for all the changes meanwhile; a verification is on disk when <see cref="MarkVerified"/> returns.
/// <see cref="Flush"/> waits for the disk.
/// </para>
/// </summary>
public sealed class KnownClients : IPeerTrust
{
    public const string FileName = "known_clients";

    /// <summary>The most identities stored (each line is under 200 bytes, so the file stays under 2 MiB).</summary>
    public const int MaxEntries = 10_000;

    private readonly CachedTrustFile _file;
    private readonly TimeProvider _time;

    /// <summary>The line of each identity's first well-formed line (base64 key); under the file's lock, rebuilt on every reload.</summary>
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>Well-formed lines.</summary>
    private int _count;

    public KnownClients(ConfigDirectory directory, TimeProvider? time = null)
    {
        _file = new CachedTrustFile(directory, FileName,
            "SecureChat known clients: identity-key(base64) known|verified first-seen(UTC) last-name(%XX-escaped)", Index);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Waits until every change made so far is on disk.</summary>
    /// <exception cref="ConfigFileException">the last write failed.</exception>
    public void Flush() => _file.Flush();

    public string FilePath => _file.Path;

    /// <summary>New, Known or Verified, with the first-seen date and last name on record.</summary>
    public TrustCheck Check(ReadOnlySpan<byte> publicKey)
    {
        byte[] identity = RequireKey(publicKey);
        return _file.Read(lines => Find(lines, identity, out Client client) < 0 ? TrustCheck.NewKey : ToCheck(client));
    }

    /// <summary>
    /// Records a secure contact: a new identity is stored as known (unless <see cref="MaxEntries"/> are stored), a
    /// known one gets its last name updated. Returns what the file said just before.
    /// </summary>
    public TrustCheck Remember(ReadOnlySpan<byte> publicKey, string lastName)
    {
        ArgumentNullException.ThrowIfNull(lastName);
        byte[] identity = RequireKey(publicKey);
        return _file.Change(lines =>
        {
            int index = Find(lines, identity, out Client client);
            if (index < 0)
            {
                Add(lines, identity, Format(identity, TrustState.Known, FieldText.Today(_time), lastName));
                return TrustCheck.NewKey;
            }

            if ((client.LastName ?? "") != lastName)
            {
                Replace(lines, index, Format(identity, client.State, client.FirstSeen ?? FieldText.Today(_time), lastName));
            }

            return ToCheck(client);
        });
    }

    /// <summary>
    /// A hub's decision on a client that proved its identity: every client is accepted, and remembered
    /// (<see cref="Remember"/>) under the name it asked for; the trust shown is what the file said before.
    /// </summary>
    public IdentityVerdict Judge(PeerIdentity peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return IdentityVerdict.Accept(Remember(peer.PublicKey, peer.Name).State);
    }

    /// <summary>
    /// After the operator compared the SAS with this client: marks its identity verified (storing it first if new;
    /// <paramref name="lastName"/> replaces the stored one when given). False only when the file is full.
    /// </summary>
    public bool MarkVerified(ReadOnlySpan<byte> publicKey, string? lastName = null)
    {
        byte[] identity = RequireKey(publicKey);
        bool stored = _file.Change(lines =>
        {
            int index = Find(lines, identity, out Client client);
            if (index < 0)
            {
                return Add(lines, identity, Format(identity, TrustState.Verified, FieldText.Today(_time), lastName ?? ""));
            }

            string name = lastName ?? client.LastName ?? "";
            if (client.State != TrustState.Verified || name != (client.LastName ?? ""))
            {
                Replace(lines, index, Format(identity, TrustState.Verified, client.FirstSeen ?? FieldText.Today(_time), name));
            }

            return true;
        });
        _file.Flush(); // the operator's decision is on disk before it is reported done
        return stored;
    }

    private static byte[] RequireKey(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == IdentityFingerprint.PublicKeySize
            ? publicKey.ToArray()
            : throw new ArgumentException("an identity key is 32 bytes", nameof(publicKey));

    private static TrustCheck ToCheck(Client client) => new(client.State, client.Key, client.FirstSeen, client.LastName);

    /// <summary>Under the file's lock: the index of the first well-formed line for <paramref name="key"/> (or -1).</summary>
    private int Find(List<string> lines, byte[] key, out Client found)
    {
        found = default;
        return _index.TryGetValue(Convert.ToBase64String(key), out int index) && TryParse(lines[index], out found) ? index : -1;
    }

    /// <summary>Under the file's lock: stores a new identity (appended on disk); false when <see cref="MaxEntries"/> are stored.</summary>
    private bool Add(List<string> lines, byte[] key, string line)
    {
        if (_count >= MaxEntries)
        {
            return false;
        }

        _index[Convert.ToBase64String(key)] = lines.Count;
        _file.Append(line);
        _count++;
        return true;
    }

    /// <summary>Under the file's lock: changes a stored identity's line (the file is rewritten with the next flush).</summary>
    private void Replace(List<string> lines, int index, string line)
    {
        lines[index] = line;
        _file.Rewrite();
    }

    /// <summary>Rebuilds the index from the file's lines (the first line for a key decides).</summary>
    private void Index(List<string> lines)
    {
        _index.Clear();
        _count = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            if (TryParse(lines[i], out Client client))
            {
                _count++;
                _index.TryAdd(Convert.ToBase64String(client.Key), i);
            }
        }
    }

    private static bool TryParse(string line, out Client client)
    {
        client = default;
        string[]? fields = FieldText.Fields(line);
        if (fields is null || fields.Length < 2 || !FieldText.TryParseKey(fields[0], out byte[] key)
            || !FieldText.TryParseState(fields[1], out TrustState state))
        {
            return false;
        }

        string? name = fields.Length > 3 && FieldText.TryUnescape(fields[3], out string unescaped) ? unescaped : null;
        client = new Client(key, state, FieldText.ParseDate(fields, 2), name);
        return true;
    }

    private static string Format(byte[] key, TrustState state, DateOnly firstSeen, string lastName)
    {
        string line = $"{Convert.ToBase64String(key)} {FieldText.StateWord(state)} {FieldText.FormatDate(firstSeen)}";
        return lastName.Length == 0 ? line : line + " " + FieldText.Escape(lastName);
    }

    private readonly record struct Client(byte[] Key, TrustState State, DateOnly? FirstSeen, string? LastName);
}
