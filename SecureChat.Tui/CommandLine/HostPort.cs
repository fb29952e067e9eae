using System.Globalization;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// The address a client is given after <c>--client</c> (and a server's <c>--port</c>): ports as whole numbers in
/// range, <c>host:port</c>, <c>[v6]:port</c> and bare IPv6 addresses, each refused in plain words
/// (<see cref="UsageException"/>). Pure and thread-safe.
/// </summary>
internal static class HostPort
{
    /// <summary>A port in 1..65535 (0 too when <paramref name="allowZero"/>); <paramref name="what"/> names it in the error.</summary>
    public static int ParsePort(string text, string what, bool allowZero) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535 && (port > 0 || allowZero)
            ? port
            : throw new UsageException($"{what} must be a number from {(allowZero ? 0 : 1)} to 65535 (not '{text}')");

    /// <summary>Splits "host", "host:port", "[v6]:port", "[v6]" or a bare IPv6 address ("::1", which has several colons).</summary>
    public static (string Host, int? Port) Split(string text)
    {
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                throw new UsageException($"'{text}' is not an address: write an IPv6 address with a port as [::1]:12345");
            }

            string inside = text[1..close];
            return close + 1 < text.Length ? (inside, ParsePort(text[(close + 2)..], "the port", allowZero: false)) : (inside, null);
        }

        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return (text, null);
        }

        if (colon != text.LastIndexOf(':'))
        {
            return System.Net.IPAddress.TryParse(text, out _)
                ? (text, null)
                : throw new UsageException($"'{text}' is not an address: write host:port, or an IPv6 address with a port as [::1]:12345");
        }

        return (text[..colon], ParsePort(text[(colon + 1)..], "the port", allowZero: false));
    }
}
