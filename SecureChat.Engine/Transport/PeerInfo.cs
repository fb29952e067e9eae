using System.Net;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// A snapshot of one connection: who, where, and how far its handshake got. <see cref="RemoteEndPoint"/> is an
/// <see cref="IPEndPoint"/> once TCP is up (a <see cref="DnsEndPoint"/> while a client is still connecting). Immutable.
/// </summary>
public sealed record PeerInfo(
    int Id,
    EndPoint RemoteEndPoint,
    string Name,
    SessionStage Stage,
    string? Fingerprint,
    string? Sas,
    DhGroupId? Group);
