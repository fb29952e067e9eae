using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>The Commit sent with the ClientHello: the key pair and nonce it commits to, and the frame as sent.</summary>
internal sealed record EarlyCommit(DhKeyPair Own, byte[] Nonce, byte[] Frame);
