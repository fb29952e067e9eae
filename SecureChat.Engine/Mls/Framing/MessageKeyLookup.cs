using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Framing;

/// <summary>
/// The key and nonce of <paramref name="generation"/> of <paramref name="leafIndex"/>'s ratchet for
/// <paramref name="contentType"/> (handshake ratchet for proposals and commits, application ratchet for application
/// data; RFC 9420 section 9.1), taken from the epoch's secret tree for opening one PrivateMessage; false when the
/// tree cannot give it (a leaf outside the tree, a generation used or dropped, one too far ahead). The caller of the
/// lookup wipes the arrays once used.
/// </summary>
internal delegate bool MessageKeyLookup(uint leafIndex, ContentType contentType, uint generation, out byte[] key, out byte[] nonce);
