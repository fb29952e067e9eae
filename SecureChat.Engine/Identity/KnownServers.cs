using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session.Trust;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SecureChat.Engine.Identity;

/// <summary>
/// The client's pins of server identities (trust on first use, as ssh's known_hosts), in <c>known_servers</c>:
/// one line per server, <c>host:port base64(public key) known|verified first-seen</c> (first-seen a UTC ISO date),
/// comment lines starting with '#'. The endpoint is normalised (<see cref="Endpoint"/>): host in lower case without
/// a trailing dot, IPv6 literals as <c>[address]:port</c> in their canonical text. Lines that do not parse are
/// skipped and kept; the first line for an endpoint decides. A pin is never changed implicitly: only
/// <see cref="Replace"/>, the user's deliberate choice, puts another key in place of a pinned one.
/// Thread-safe and safe across processes sharing the directory (see <see cref="TrustFile"/>).
/// </summary>
public sealed class KnownServers
{
    public const string FileName = "known_servers";

    private readonly TrustFile _file;
    private readonly TimeProvider _time;

    public KnownServers(ConfigDirectory directory, TimeProvider? time = null)
    {
        _file = new TrustFile(directory, FileName,
            "SecureChat known servers: host:port identity-key(base64) known|verified first-seen(UTC)",
            "A different key for a server listed here is refused; accept a change only after checking it out of band.");
        _time = time ?? TimeProvider.System;
    }

    public string FilePath => _file.Path;

    /// <summary>The normalised endpoint of a host and port, as stored.</summary>
    /// <exception cref="ArgumentException">a host that is empty or holds a space, control character or '#'; a port outside 1-65535.</exception>
    public static string Endpoint(string host, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        string bare = host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        if (bare.Contains(':'))
        {
            if (!IPAddress.TryParse(bare, out IPAddress? address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new ArgumentException($"not a host name or address: {host}", nameof(host));
            }

            return Endpoint(new IPEndPoint(address, port));
        }

        if (IPAddress.TryParse(bare, out IPAddress? v4) && v4.AddressFamily == AddressFamily.InterNetwork)
        {
            // 127.1, 127.000.000.001 and 0x7f.1 are all 127.0.0.1 to the resolver: one pin, not four.
            return Endpoint(new IPEndPoint(v4, port));
        }

        string name = bare.TrimEnd('.').ToLowerInvariant();
        if (name.Length == 0 || name.StartsWith('#') || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '[' or ']' or '/'))
        {
            throw new ArgumentException($"not a host name or address: {host}", nameof(host));
        }

        return $"{name}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// The canonical endpoint of an address: IPv4 (also when mapped into IPv6, <c>::ffff:a.b.c.d</c>) as
    /// <c>a.b.c.d:port</c>, IPv6 as <c>[address]:port</c> in its canonical lower-case text.
    /// </summary>
    public static string Endpoint(IPEndPoint address)
    {
        ArgumentNullException.ThrowIfNull(address);
        IPAddress ip = address.Address.IsIPv4MappedToIPv6 ? address.Address.MapToIPv4() : address.Address;
        string port = address.Port.ToString(CultureInfo.InvariantCulture);
        return ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip.ToString().ToLowerInvariant()}]:{port}" : $"{ip}:{port}";
    }

    /// <summary>Normalises an endpoint written <c>host:port</c> or <c>[v6]:port</c>.</summary>
    /// <exception cref="ArgumentException">not of that form.</exception>
    public static string Endpoint(string endpoint) =>
        TryNormalize(endpoint, out string? normal) ? normal : throw new ArgumentException($"not host:port or [v6]:port: {endpoint}", nameof(endpoint));

    /// <summary>The public key pinned for <paramref name="endpoint"/> (host:port), or null when none is.</summary>
    public byte[]? Pinned(string endpoint) =>
        Find(_file.ReadLines(), Endpoint(endpoint), out PinLine pin) >= 0 ? pin.Key : null;

    /// <summary>What the pins say about <paramref name="publicKey"/> at <paramref name="endpoint"/>.</summary>
    public TrustCheck Check(string endpoint, ReadOnlySpan<byte> publicKey) => Check([endpoint], publicKey);

    /// <summary>
    /// What the pins say about <paramref name="publicKey"/> for a server reached under several names (the host:port
    /// as typed and the address:port the connection went to, as ssh's CheckHostIP): <see cref="TrustState.Changed"/>
    /// when any of them is pinned to another key; else the state of a pin of this key under one of them (verified if
    /// any is); else, when the key is pinned under another name only, that pin's state with
    /// <see cref="TrustCheck.PinnedAs"/> naming it; else <see cref="TrustState.New"/>.
    /// </summary>
    public TrustCheck Check(IReadOnlyList<string> endpoints, ReadOnlySpan<byte> publicKey)
    {
        HashSet<string> names = Endpoints(endpoints);
        byte[] identity = RequireKey(publicKey);
        return Judge(_file.ReadLines(), names, identity);
    }

    /// <summary>
    /// First contact: pins the key as known unless the endpoint is pinned already. Returns what the file said just
    /// before (under the lock): <see cref="TrustState.New"/> when this call pinned it; Known or Verified when the same
    /// key was pinned; <see cref="TrustState.Changed"/> (nothing written) when another key is, so a race with another
    /// instance can never replace a pin.
    /// </summary>
    public TrustCheck Pin(string endpoint, ReadOnlySpan<byte> publicKey) => Pin([endpoint], publicKey);

    /// <summary>
    /// Pins the key under every one of <paramref name="endpoints"/> not pinned yet (as verified when the key is
    /// verified under another name, else known), unless one of them is pinned to another key. Returns what the file
    /// said just before, as <see cref="Check(IReadOnlyList{string}, ReadOnlySpan{byte})"/>; nothing is written when
    /// that is <see cref="TrustState.Changed"/>.
    /// </summary>
    public TrustCheck Pin(IReadOnlyList<string> endpoints, ReadOnlySpan<byte> publicKey)
    {
        HashSet<string> names = Endpoints(endpoints);
        byte[] identity = RequireKey(publicKey);
        return _file.Update(lines =>
        {
            TrustCheck check = Judge(lines, names, identity);
            if (check.State == TrustState.Changed)
            {
                return (check, false);
            }

            bool verified = lines.Any(l => TryParse(l, out PinLine p) && p.State == TrustState.Verified && p.Key.AsSpan().SequenceEqual(identity));
            bool changed = false;
            foreach (string name in names.Where(n => Find(lines, n, out _) < 0))
            {
                lines.Add(Format(name, identity, verified ? TrustState.Verified : TrustState.Known, FieldText.Today(_time)));
                changed = true;
            }

            return (check, changed);
        });
    }

    /// <summary>
    /// After the users compared the SAS: marks the pin verified (pinning it first on first contact). False, with
    /// nothing written, when the endpoint is pinned to another key.
    /// </summary>
    public bool MarkVerified(string endpoint, ReadOnlySpan<byte> publicKey) => MarkVerified([endpoint], publicKey);

    /// <summary>The same for a server reached under several names: every one of them is marked, or none.</summary>
    public bool MarkVerified(IReadOnlyList<string> endpoints, ReadOnlySpan<byte> publicKey)
    {
        HashSet<string> names = Endpoints(endpoints);
        byte[] identity = RequireKey(publicKey);
        return _file.Update(lines =>
        {
            var found = new List<(string Name, int Index, PinLine Pin)>();
            foreach (string name in names)
            {
                int index = Find(lines, name, out PinLine pin);
                if (index >= 0 && !pin.Key.AsSpan().SequenceEqual(identity))
                {
                    return (false, false);
                }

                found.Add((name, index, pin));
            }

            bool changed = false;
            foreach ((string name, int index, PinLine pin) in found)
            {
                if (index < 0)
                {
                    lines.Add(Format(name, identity, TrustState.Verified, FieldText.Today(_time)));
                    changed = true;
                }
                else if (pin.State != TrustState.Verified)
                {
                    lines[index] = Format(name, identity, TrustState.Verified, pin.FirstSeen ?? FieldText.Today(_time));
                    changed = true;
                }
            }

            return (true, changed);
        });
    }

    /// <summary>
    /// The user's deliberate acceptance of a changed server key: every pin of the endpoint is replaced by one for
    /// <paramref name="publicKey"/>, as known, first seen today. Returns the previously pinned key, or null.
    /// </summary>
    public byte[]? Replace(string endpoint, ReadOnlySpan<byte> publicKey) => Replace([endpoint], publicKey);

    /// <summary>
    /// The same for a server reached under several names: the pins of all of them, and every other pin of the key
    /// they held (the other names the same server was known by), now hold <paramref name="publicKey"/>, as known,
    /// first seen today; names not pinned yet are pinned. Returns the previously pinned key, or null.
    /// </summary>
    public byte[]? Replace(IReadOnlyList<string> endpoints, ReadOnlySpan<byte> publicKey)
    {
        HashSet<string> names = Endpoints(endpoints);
        byte[] identity = RequireKey(publicKey);
        return _file.Update(lines =>
        {
            var oldKeys = new List<byte[]>();
            foreach (string line in lines)
            {
                if (TryParse(line, out PinLine pin) && names.Contains(pin.Endpoint) && !oldKeys.Any(k => k.AsSpan().SequenceEqual(pin.Key)))
                {
                    oldKeys.Add(pin.Key);
                }
            }

            var done = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < lines.Count; i++)
            {
                if (!TryParse(lines[i], out PinLine pin)
                    || (!names.Contains(pin.Endpoint) && !oldKeys.Any(k => k.AsSpan().SequenceEqual(pin.Key))))
                {
                    continue;
                }

                if (!done.Add(pin.Endpoint))
                {
                    lines.RemoveAt(i--);
                    continue;
                }

                lines[i] = Format(pin.Endpoint, identity, TrustState.Known, FieldText.Today(_time));
            }

            foreach (string name in names.Where(n => !done.Contains(n)))
            {
                lines.Add(Format(name, identity, TrustState.Known, FieldText.Today(_time)));
            }

            return (oldKeys.Count > 0 ? oldKeys[0] : null, true);
        });
    }

    private static HashSet<string> Endpoints(IReadOnlyList<string> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0)
        {
            throw new ArgumentException("at least one endpoint", nameof(endpoints));
        }

        return endpoints.Select(e => Endpoint(e)).ToHashSet(StringComparer.Ordinal);
    }

    private static TrustCheck Judge(List<string> lines, HashSet<string> names, byte[] identity)
    {
        TrustCheck? same = null;
        foreach (string name in names)
        {
            if (Find(lines, name, out PinLine pin) < 0)
            {
                continue;
            }

            TrustCheck check = Compare(pin, identity);
            if (check.State == TrustState.Changed)
            {
                return check with { PinnedAs = name };
            }

            if (same is null || check.State == TrustState.Verified)
            {
                same = check;
            }
        }

        if (same is not null)
        {
            return same;
        }

        PinLine elsewhere = default;
        foreach (string line in lines)
        {
            if (TryParse(line, out PinLine pin) && pin.Key.AsSpan().SequenceEqual(identity)
                && (elsewhere.Endpoint is null || (pin.State == TrustState.Verified && elsewhere.State != TrustState.Verified)))
            {
                elsewhere = pin;
            }
        }

        return elsewhere.Endpoint is null
            ? TrustCheck.NewKey
            : new TrustCheck(elsewhere.State, elsewhere.Key, elsewhere.FirstSeen) { PinnedAs = elsewhere.Endpoint };
    }

    private static bool TryNormalize(string endpoint, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? normal)
    {
        normal = null;
        if (string.IsNullOrEmpty(endpoint))
        {
            return false;
        }

        int colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        string host = endpoint[..colon];
        bool bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (!bracketed && host.Contains(':'))
        {
            return false;
        }

        try
        {
            normal = Endpoint(host, port);
            return !bracketed || normal.StartsWith('[');
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static byte[] RequireKey(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == IdentityFingerprint.PublicKeySize
            ? publicKey.ToArray()
            : throw new ArgumentException("an identity key is 32 bytes", nameof(publicKey));

    private static TrustCheck Compare(PinLine pin, byte[] identity) =>
        new(pin.Key.AsSpan().SequenceEqual(identity) ? pin.State : TrustState.Changed, pin.Key, pin.FirstSeen);

    /// <summary>The index of the first well-formed line for <paramref name="endpoint"/>, or -1.</summary>
    private static int Find(List<string> lines, string endpoint, out PinLine pin)
    {
        for (int i = 0; i < lines.Count; i++)
        {
            if (TryParse(lines[i], out pin) && pin.Endpoint == endpoint)
            {
                return i;
            }
        }

        pin = default;
        return -1;
    }

    private static bool TryParse(string line, out PinLine pin)
    {
        pin = default;
        string[]? fields = FieldText.Fields(line);
        if (fields is null || fields.Length < 3 || !TryNormalize(fields[0], out string? endpoint)
            || !FieldText.TryParseKey(fields[1], out byte[] key) || !FieldText.TryParseState(fields[2], out TrustState state))
        {
            return false;
        }

        pin = new PinLine(endpoint, key, state, FieldText.ParseDate(fields, 3));
        return true;
    }

    private static string Format(string endpoint, byte[] key, TrustState state, DateOnly firstSeen) =>
        $"{endpoint} {Convert.ToBase64String(key)} {FieldText.StateWord(state)} {FieldText.FormatDate(firstSeen)}";

    private readonly record struct PinLine(string Endpoint, byte[] Key, TrustState State, DateOnly? FirstSeen);
}
