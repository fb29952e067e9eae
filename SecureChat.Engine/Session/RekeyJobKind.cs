namespace SecureChat.Engine.Session;

internal enum RekeyJobKind
{
    /// <summary>Initiator: a fresh key pair and nonce for RekeyInit.</summary>
    Initiate,
    /// <summary>Responder: its key pair, Z' and the next keys, for RekeyAck.</summary>
    Respond,
    /// <summary>Initiator on RekeyAck: Z' and the next keys.</summary>
    Finish,
}
