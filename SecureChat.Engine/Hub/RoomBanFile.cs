using SecureChat.Engine.Crypto;
using SecureChat.Engine.Identity;

namespace SecureChat.Engine.Hub;

/// <summary>
/// The hub's bans, in <c>bans</c> in the server's config directory: one line per ban,
/// <c>base64(identity digest) room-key</c> (the room's look-alike key, <see cref="Chat.RoomName.Key"/>, escaped by the
/// config files' field escaping), comment lines starting with '#'. Lines that do not parse are skipped and kept. A ban
/// outlives its room and the process: a banned identity cannot enter the room again under any name until it is
/// unbanned. At most <see cref="MaxEntries"/> bans are kept (an operator's ban past that is refused, not forgotten
/// later).
/// </summary>
/// <remarks>
/// Kept in memory with an index (<see cref="CachedTrustFile"/>): the hub asks on every join, under its lock, so a check
/// costs a lookup and one stat of the file (another instance's change is reloaded); a ban is appended at once, an unban
/// rewrites the file on the thread pool. <see cref="Flush"/> waits for the disk. Thread-safe and safe across processes
/// sharing the directory.
/// </remarks>
public sealed class RoomBanFile : IRoomBans
{
    public const string FileName = "bans";
    public const int MaxEntries = 100_000;

    private readonly CachedTrustFile _file;

    /// <summary>Line index by ban (digest and room key); under the file's lock, rebuilt on every reload.</summary>
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public RoomBanFile(ConfigDirectory directory)
    {
        _file = new CachedTrustFile(directory, FileName, "SecureChat room bans: identity-digest(base64) room-key(%XX-escaped)", Index);
    }

    public string FilePath => _file.Path;

    /// <summary>Waits until every ban and unban so far is on disk.</summary>
    /// <exception cref="ConfigFileException">the last write failed.</exception>
    public void Flush() => _file.Flush();

    bool IRoomBans.IsBanned(string roomKey, ReadOnlySpan<byte> digest)
    {
        string ban = Ban(roomKey, digest);
        return _file.Read(_ => _index.ContainsKey(ban));
    }

    bool IRoomBans.Add(string roomKey, ReadOnlySpan<byte> digest)
    {
        string ban = Ban(roomKey, digest);
        return _file.Change(lines =>
        {
            if (_index.ContainsKey(ban) || _index.Count >= MaxEntries)
            {
                return false;
            }

            _index[ban] = lines.Count;
            _file.Append(ban);
            return true;
        });
    }

    bool IRoomBans.Remove(string roomKey, ReadOnlySpan<byte> digest)
    {
        string ban = Ban(roomKey, digest);
        return _file.Change(lines =>
        {
            if (!_index.TryGetValue(ban, out int line))
            {
                return false;
            }

            lines.RemoveAt(line);
            Index(lines);
            _file.Rewrite();
            return true;
        });
    }

    /// <summary>The line of a ban: the digest, then the escaped room key.</summary>
    private static string Ban(string roomKey, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != IdentityFingerprint.DigestSize)
        {
            throw new ArgumentException("an identity digest is 32 bytes", nameof(digest));
        }

        return Convert.ToBase64String(digest) + " " + FieldText.Escape(roomKey);
    }

    /// <summary>Rebuilds the index from the lines (a line is indexed in its canonical form, so a rewritten one still matches).</summary>
    private void Index(List<string> lines)
    {
        _index.Clear();
        for (int i = 0; i < lines.Count; i++)
        {
            string[]? fields = FieldText.Fields(lines[i]);
            if (fields is { Length: 2 } && FieldText.TryParseKey(fields[0], out byte[] digest) && FieldText.TryUnescape(fields[1], out string roomKey))
            {
                _index.TryAdd(Ban(roomKey, digest), i);
            }
        }
    }
}
