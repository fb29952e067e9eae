using SecureChat.Engine.Crypto;
using System.Text;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Identity;

/// <summary>
/// The server's record of who owns which display name, in <c>names</c>: one line per name,
/// <c>name base64(public key)</c> (the name escaped by <see cref="FieldText"/>), oldest first, comment lines
/// starting with '#'. A name belongs to the identity that first used it, connected or not; another identity asking
/// for it gets <c>name-2</c>, <c>name-3</c>, ... instead. The operator's current name is reserved for the operator's
/// key (<see cref="ReserveOperator"/>), even over an older owner in the file (who then gets a suffix; the file is
/// not changed, so the older owner has it back if the operator takes another name).
/// <para>
/// Names are compared through a key function: by default NFC, then case-insensitive (ordinal upper case), so
/// "Alice" and "ALICE" collide (see <see cref="DefaultNameKey"/> for NFC under invariant globalization). A
/// confusable skeleton (Unicode TR39) can be passed instead so that look-alike names collide too.
/// </para>
/// <para>
/// Limits, since every name a peer asks for could otherwise add a line: one identity owns at most
/// <see cref="MaxNamesPerIdentity"/> names (claiming one more releases its oldest), and the file holds at most
/// <see cref="MaxEntries"/>; past that a free name is still granted, only not stored. Lines that do not parse are
/// skipped and kept; the first line for a name decides. Thread-safe and safe across processes sharing the directory.
/// </para>
/// <para>
/// The file is kept in memory with an index by name and by owner (<see cref="CachedTrustFile"/>): a claim costs a few
/// lookups and no file I/O on the caller's thread (a hub claims under its membership lock, on every join and rename);
/// a new name is appended at once (fsynced moments later), and the file is rewritten, on the thread pool, only when an
/// identity's oldest name is released. <see cref="Flush"/> waits for the disk.
/// </para>
/// </summary>
public sealed class NameRegistry
{
    public const string FileName = "names";
    public const int MaxEntries = 10_000;
    public const int MaxNamesPerIdentity = 8;

    private const int MaxSuffix = 1_000_000;

    private readonly CachedTrustFile _file;
    private readonly Func<string, string> _nameKey;
    private readonly object _reservationLock = new();
    private (string NameKey, byte[] Owner)? _operator;

    /// <summary>Owner by name key (the first line for a name wins); under the file's lock, rebuilt on every reload.</summary>
    private readonly Dictionary<string, byte[]> _owners = new(StringComparer.Ordinal);

    /// <summary>Each identity's lines (base64 key), oldest first.</summary>
    private readonly Dictionary<string, List<string>> _held = new(StringComparer.Ordinal);

    /// <summary>Well-formed lines.</summary>
    private int _count;

    public NameRegistry(ConfigDirectory directory, Func<string, string>? nameKey = null)
    {
        _file = new CachedTrustFile(directory, FileName,
            "SecureChat display names: name(%XX-escaped) owner-identity-key(base64); a name belongs to its first user", Index);
        _nameKey = nameKey ?? DefaultNameKey;
    }

    public string FilePath => _file.Path;

    /// <summary>
    /// The default comparison key: Unicode NFC, then upper case by the invariant (ordinal) mapping. Note: with
    /// <c>InvariantGlobalization</c> (as this repository builds) .NET has no normalisation data and
    /// <see cref="string.Normalize(NormalizationForm)"/> returns non-ASCII text unchanged, so only the case folding
    /// takes effect; pass a key function that carries its own tables (the display-name rules' skeleton) to get NFC.
    /// </summary>
    public static string DefaultNameKey(string name) => name.Normalize(NormalizationForm.FormC).ToUpperInvariant();

    /// <summary>
    /// Reserves <paramref name="name"/> for the operator's key from now on (replacing an earlier reservation, as
    /// after the operator's /nick), and records the operator as its owner when nobody owns it yet.
    /// </summary>
    public void ReserveOperator(string name, ReadOnlySpan<byte> operatorKey)
    {
        RequireName(name);
        byte[] owner = RequireKey(operatorKey);
        lock (_reservationLock)
        {
            _operator = (_nameKey(name), owner);
        }

        _file.Change(lines => !_owners.ContainsKey(_nameKey(name)) && TryAdd(lines, name, owner));
    }

    /// <summary>Waits until every claim made so far is on disk.</summary>
    /// <exception cref="ConfigFileException">the last write failed.</exception>
    public void Flush() => _file.Flush();

    /// <summary>The key that owns <paramref name="name"/> (reservation first, then the file), or null when it is free.</summary>
    public byte[]? OwnerOf(string name)
    {
        string key = _nameKey(name);
        var reserved = Reservation();
        if (reserved is { } r && r.NameKey == key)
        {
            return (byte[])r.Owner.Clone();
        }

        return _file.Read(_ => _owners.TryGetValue(key, out byte[]? owner) ? (byte[])owner.Clone() : null);
    }

    /// <summary>
    /// The name <paramref name="publicKey"/> gets when it asks for <paramref name="requestedName"/>: the name itself
    /// when it is free or this key's, else the first free of <c>name-2</c>, <c>name-3</c>, ... (shortened so the
    /// whole stays within <see cref="WireFormat.NameMax"/> bytes). Free means owned by no other identity, not reserved for the
    /// operator (unless this is the operator's key), and not <paramref name="isInUseByOther"/> (a connected other
    /// peer uses it; the caller answers with its own comparison). The granted name is recorded as this key's.
    /// </summary>
    /// <exception cref="ArgumentException">a name that is not 1 to <see cref="WireFormat.NameMax"/> bytes of UTF-8, or a key that is not 32 bytes.</exception>
    public string Claim(string requestedName, ReadOnlySpan<byte> publicKey, Func<string, bool> isInUseByOther)
    {
        RequireName(requestedName);
        byte[] identity = RequireKey(publicKey);
        ArgumentNullException.ThrowIfNull(isInUseByOther);
        var reserved = Reservation();
        return _file.Change(lines =>
        {
            for (int n = 1; n <= MaxSuffix; n++)
            {
                string candidate = n == 1 ? requestedName : WithSuffix(requestedName, n);
                string key = _nameKey(candidate);
                // The operator's reservation decides its name outright; every other name goes to its first owner.
                bool ownedByOther = _owners.TryGetValue(key, out byte[]? owner) && !owner.AsSpan().SequenceEqual(identity);
                if (reserved is { } r && r.NameKey == key)
                {
                    ownedByOther = !r.Owner.AsSpan().SequenceEqual(identity);
                }

                if (ownedByOther || isInUseByOther(candidate))
                {
                    continue;
                }

                if (owner is null)
                {
                    TryAdd(lines, candidate, identity);
                }

                return candidate;
            }

            throw new InvalidOperationException($"no free name found after {MaxSuffix} tries");
        });
    }

    /// <summary>
    /// <paramref name="name"/> with "-n" appended, cut first (whole text elements, spaces at its end removed) so the
    /// whole stays within <see cref="WireFormat.NameTextElementsMax"/> text elements and <see cref="WireFormat.NameMax"/> bytes: a longer
    /// result would be cut back to the taken name by the name rules.
    /// </summary>
    internal static string WithSuffix(string name, int n)
    {
        string suffix = "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stem = new StringBuilder();
        int elements = 0, bytes = 0;
        System.Globalization.TextElementEnumerator e = System.Globalization.StringInfo.GetTextElementEnumerator(name);
        while (e.MoveNext() && elements < WireFormat.NameTextElementsMax - suffix.Length)
        {
            string element = e.GetTextElement();
            int size = Encoding.UTF8.GetByteCount(element);
            if (bytes + size > WireFormat.NameMax - suffix.Length)
            {
                break;
            }

            stem.Append(element);
            elements++;
            bytes += size;
        }

        return stem.ToString().TrimEnd(' ') + suffix;
    }

    private (string NameKey, byte[] Owner)? Reservation()
    {
        lock (_reservationLock)
        {
            return _operator;
        }
    }

    /// <summary>
    /// Under the file's lock: records the claim (appended on disk), first releasing the identity's oldest name if it
    /// holds too many (the file is then rewritten); false when the file is full.
    /// </summary>
    private bool TryAdd(List<string> lines, string name, byte[] identity)
    {
        string id = Convert.ToBase64String(identity);
        List<string> held = _held.TryGetValue(id, out List<string>? list) ? list : (_held[id] = []);
        int release = held.Count - (MaxNamesPerIdentity - 1);
        if (release <= 0 && _count >= MaxEntries)
        {
            return false;
        }

        for (int i = 0; i < release; i++)
        {
            lines.Remove(held[i]);
            _count--;
            if (TryParse(held[i], out string old, out _) && _owners.TryGetValue(_nameKey(old), out byte[]? owner) && owner.AsSpan().SequenceEqual(identity))
            {
                _owners.Remove(_nameKey(old));
            }
        }

        if (release > 0)
        {
            held.RemoveRange(0, release);
            _file.Rewrite();
        }

        string line = $"{FieldText.Escape(name)} {id}";
        _file.Append(line);
        held.Add(line);
        _owners.TryAdd(_nameKey(name), identity);
        _count++;
        return true;
    }

    /// <summary>Rebuilds the index from the file's lines (the first line for a name wins).</summary>
    private void Index(List<string> lines)
    {
        _owners.Clear();
        _held.Clear();
        _count = 0;
        foreach (string line in lines)
        {
            if (TryParse(line, out string name, out byte[] owner))
            {
                _count++;
                _owners.TryAdd(_nameKey(name), owner);
                string id = Convert.ToBase64String(owner);
                (_held.TryGetValue(id, out List<string>? list) ? list : (_held[id] = [])).Add(line);
            }
        }
    }

    private static bool TryParse(string line, out string name, out byte[] owner)
    {
        name = "";
        owner = [];
        string[]? fields = FieldText.Fields(line);
        return fields is { Length: >= 2 } && FieldText.TryUnescape(fields[0], out name) && RecordPayload.IsValidName(name)
            && FieldText.TryParseKey(fields[1], out owner);
    }

    private static void RequireName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!RecordPayload.IsValidName(name))
        {
            throw new ArgumentException($"a name is 1 to {WireFormat.NameMax} bytes of UTF-8", nameof(name));
        }
    }

    private static byte[] RequireKey(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == IdentityFingerprint.PublicKeySize
            ? publicKey.ToArray()
            : throw new ArgumentException("an identity key is 32 bytes", nameof(publicKey));
}
