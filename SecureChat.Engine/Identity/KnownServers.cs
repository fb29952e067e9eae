using SecureChat.Engine.Crypto;
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

            return $"[{address.ToString().ToLowerInvariant()}]:{port.ToString(CultureInfo.InvariantCulture)}";
        }

        string name = bare.TrimEnd('.').ToLowerInvariant();
        if (name.Length == 0 || name.StartsWith('#') || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '[' or ']' or '/'))
        {
            throw new ArgumentException($"not a host name or address: {host}", nameof(host));
        }

        return $"{name}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Normalises an endpoint written <c>host:port</c> or <c>[v6]:port</c>.</summary>
    /// <exception cref="ArgumentException">not of that form.</exception>
    public static string Endpoint(string endpoint) =>
        TryNormalize(endpoint, out string? normal) ? normal : throw new ArgumentException($"not host:port or [v6]:port: {endpoint}", nameof(endpoint));

    /// <summary>What the pins say about <paramref name="publicKey"/> at <paramref name="endpoint"/>.</summary>
    public TrustCheck Check(string endpoint, ReadOnlySpan<byte> publicKey)
    {
        string key = Endpoint(endpoint);
        byte[] identity = RequireKey(publicKey);
        List<string> lines = _file.ReadLines();
        return Find(lines, key, out PinLine pin) < 0 ? TrustCheck.NewKey : Compare(pin, identity);
    }

    /// <summary>
    /// First contact: pins the key as known unless the endpoint is pinned already. Returns what the file said just
    /// before (under the lock): <see cref="TrustState.New"/> when this call pinned it; Known or Verified when the same
    /// key was pinned; <see cref="TrustState.Changed"/> (nothing written) when another key is, so a race with another
    /// instance can never replace a pin.
    /// </summary>
    public TrustCheck Pin(string endpoint, ReadOnlySpan<byte> publicKey)
    {
        string key = Endpoint(endpoint);
        byte[] identity = RequireKey(publicKey);
        return _file.Update(lines =>
        {
            if (Find(lines, key, out PinLine pin) >= 0)
            {
                return (Compare(pin, identity), false);
            }

            lines.Add(Format(key, identity, TrustState.Known, FieldText.Today(_time)));
            return (TrustCheck.NewKey, true);
        });
    }

    /// <summary>
    /// After the users compared the SAS: marks the pin verified (pinning it first on first contact). False, with
    /// nothing written, when the endpoint is pinned to another key.
    /// </summary>
    public bool MarkVerified(string endpoint, ReadOnlySpan<byte> publicKey)
    {
        string key = Endpoint(endpoint);
        byte[] identity = RequireKey(publicKey);
        return _file.Update(lines =>
        {
            int index = Find(lines, key, out PinLine pin);
            if (index < 0)
            {
                lines.Add(Format(key, identity, TrustState.Verified, FieldText.Today(_time)));
                return (true, true);
            }

            if (!pin.Key.AsSpan().SequenceEqual(identity))
            {
                return (false, false);
            }

            if (pin.State == TrustState.Verified)
            {
                return (true, false);
            }

            lines[index] = Format(key, identity, TrustState.Verified, pin.FirstSeen ?? FieldText.Today(_time));
            return (true, true);
        });
    }

    /// <summary>
    /// The user's deliberate acceptance of a changed server key: every pin of the endpoint is replaced by one for
    /// <paramref name="publicKey"/>, as known, first seen today. Returns the previously pinned key, or null.
    /// </summary>
    public byte[]? Replace(string endpoint, ReadOnlySpan<byte> publicKey)
    {
        string key = Endpoint(endpoint);
        byte[] identity = RequireKey(publicKey);
        return _file.Update(lines =>
        {
            int index = Find(lines, key, out PinLine pin);
            string line = Format(key, identity, TrustState.Known, FieldText.Today(_time));
            if (index < 0)
            {
                lines.Add(line);
                return ((byte[]?)null, true);
            }

            lines[index] = line;
            for (int i = lines.Count - 1; i > index; i--)
            {
                if (TryParse(lines[i], out PinLine other) && other.Endpoint == key)
                {
                    lines.RemoveAt(i);
                }
            }

            return (pin.Key, true);
        });
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
