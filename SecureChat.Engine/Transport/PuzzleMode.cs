namespace SecureChat.Engine.Transport;

/// <summary>When a server asks for a proof of work before it starts a handshake.</summary>
public enum PuzzleMode
{
    /// <summary>Under load only: while more derivations wait than can run, or the client's source prefix is over its handshake rate.</summary>
    Auto,

    /// <summary>From every client (a server that expects attack, and tests).</summary>
    Always,

    /// <summary>Never (a private server on a trusted network).</summary>
    Never,
}
