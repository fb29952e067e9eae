using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The network a client address belongs to, for per-source limits: its /24 for IPv4, its /64 for IPv6 (an
/// IPv4-mapped IPv6 address counts as the IPv4 one). One machine, NAT pool or botnet range easily holds many addresses
/// of one such prefix, and an IPv6 host is usually given a whole /64, so limits keyed by a single address would count
/// each of them as a stranger. Immutable; equal when the prefixes are.
/// </summary>
internal readonly record struct SourcePrefix
{
    public SourcePrefix(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out _))
        {
            throw new ArgumentException("not an IP address", nameof(address));
        }

        Family = address.AddressFamily;
        Bits = Family == AddressFamily.InterNetwork
            ? (ulong)(bytes[0] << 16 | bytes[1] << 8 | bytes[2])
            : BinaryPrimitives.ReadUInt64BigEndian(bytes[..8]);
    }

    public AddressFamily Family { get; }

    /// <summary>The prefix's bits: the first 24 of an IPv4 address, the first 64 of an IPv6 one.</summary>
    public ulong Bits { get; }

    public override string ToString()
    {
        if (Family == AddressFamily.InterNetwork)
        {
            return $"{Bits >> 16}.{(Bits >> 8) & 0xFF}.{Bits & 0xFF}.0/24";
        }

        byte[] bytes = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Bits);
        return $"{new IPAddress(bytes)}/64";
    }
}
