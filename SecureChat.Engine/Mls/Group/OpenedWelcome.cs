using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// A Welcome this client could open (RFC 9420 section 12.4.3.1): its GroupSecrets, the decrypted GroupInfo whose
/// confirmation tag the epoch's confirmation_key has confirmed, and that epoch's secrets. The GroupInfo's signature
/// and the ratchet tree are not yet checked. The owner disposes it (or hands <see cref="Epoch"/> on to a group state).
/// Not thread-safe.
/// </summary>
internal sealed record OpenedWelcome(GroupSecrets Secrets, GroupInfo GroupInfo, EpochSecrets Epoch);
