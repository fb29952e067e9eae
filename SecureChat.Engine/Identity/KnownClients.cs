using SecureChat.Engine.Crypto;
namespace SecureChat.Engine.Identity;

/// <summary>
/// The server's memory of client identities, in <c>known_clients</c>: one line per identity,
/// <c>base64(public key) known|verified first-seen last-name</c> (first-seen a UTC ISO date; the last name escaped by
/// <see cref="FieldText"/> so a peer's name can never break the line; absent when unknown), comment lines starting
/// with '#'. Lines that do not parse are skipped and kept; the first line for a key decides. Every new identity a
/// peer makes up adds a line, so at most <see cref="MaxEntries"/> are stored; past that, new identities are treated
/// as new each time and not written. Thread-safe and safe across processes sharing the directory.
/// </summary>
public sealed class KnownClients
{
    public const string FileName = "known_clients";

    /// <summary>The most identities stored (each line is under 200 bytes, so the file stays under 2 MiB).</summary>
    public const int MaxEntries = 10_000;

    private readonly TrustFile _file;
    private readonly TimeProvider _time;

    public KnownClients(ConfigDirectory directory, TimeProvider? time = null)
    {
        _file = new TrustFile(directory, FileName,
            "SecureChat known clients: identity-key(base64) known|verified first-seen(UTC) last-name(%XX-escaped)");
        _time = time ?? TimeProvider.System;
    }

    public string FilePath => _file.Path;

    /// <summary>New, Known or Verified, with the first-seen date and last name on record.</summary>
    public TrustCheck Check(ReadOnlySpan<byte> publicKey)
    {
        byte[] identity = RequireKey(publicKey);
        return Find(_file.ReadLines(), identity, out Client client, out _) < 0 ? TrustCheck.NewKey : ToCheck(client);
    }

    /// <summary>
    /// Records a secure contact: a new identity is stored as known (unless <see cref="MaxEntries"/> are stored), a
    /// known one gets its last name updated. Returns what the file said just before.
    /// </summary>
    public TrustCheck Remember(ReadOnlySpan<byte> publicKey, string lastName)
    {
        ArgumentNullException.ThrowIfNull(lastName);
        byte[] identity = RequireKey(publicKey);
        return _file.Update(lines =>
        {
            int index = Find(lines, identity, out Client client, out int count);
            if (index < 0)
            {
                if (count >= MaxEntries)
                {
                    return (TrustCheck.NewKey, false);
                }

                lines.Add(Format(identity, TrustState.Known, FieldText.Today(_time), lastName));
                return (TrustCheck.NewKey, true);
            }

            if ((client.LastName ?? "") == lastName)
            {
                return (ToCheck(client), false);
            }

            lines[index] = Format(identity, client.State, client.FirstSeen ?? FieldText.Today(_time), lastName);
            return (ToCheck(client), true);
        });
    }

    /// <summary>
    /// After the operator compared the SAS with this client: marks its identity verified (storing it first if new;
    /// <paramref name="lastName"/> replaces the stored one when given). False only when the file is full.
    /// </summary>
    public bool MarkVerified(ReadOnlySpan<byte> publicKey, string? lastName = null)
    {
        byte[] identity = RequireKey(publicKey);
        return _file.Update(lines =>
        {
            int index = Find(lines, identity, out Client client, out int count);
            if (index < 0)
            {
                if (count >= MaxEntries)
                {
                    return (false, false);
                }

                lines.Add(Format(identity, TrustState.Verified, FieldText.Today(_time), lastName ?? ""));
                return (true, true);
            }

            string name = lastName ?? client.LastName ?? "";
            if (client.State == TrustState.Verified && name == (client.LastName ?? ""))
            {
                return (true, false);
            }

            lines[index] = Format(identity, TrustState.Verified, client.FirstSeen ?? FieldText.Today(_time), name);
            return (true, true);
        });
    }

    private static byte[] RequireKey(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == IdentityFingerprint.PublicKeySize
            ? publicKey.ToArray()
            : throw new ArgumentException("an identity key is 32 bytes", nameof(publicKey));

    private static TrustCheck ToCheck(Client client) => new(client.State, client.Key, client.FirstSeen, client.LastName);

    /// <summary>The index of the first well-formed line for <paramref name="key"/> (or -1), and how many well-formed lines there are.</summary>
    private static int Find(List<string> lines, byte[] key, out Client found, out int count)
    {
        found = default;
        count = 0;
        int index = -1;
        for (int i = 0; i < lines.Count; i++)
        {
            if (TryParse(lines[i], out Client client))
            {
                count++;
                if (index < 0 && client.Key.AsSpan().SequenceEqual(key))
                {
                    index = i;
                    found = client;
                }
            }
        }

        return index;
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
