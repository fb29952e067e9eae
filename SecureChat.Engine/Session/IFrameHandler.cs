namespace SecureChat.Engine.Session;

/// <summary>What the inbox hands whole frames to (the session).</summary>
internal interface IFrameHandler
{
    /// <summary>False while frames must wait (key derivation pending) or the session has ended.</summary>
    bool CanProcess { get; }

    bool IsEnded { get; }

    /// <summary>One whole frame, header and body.</summary>
    void OnFrame(byte type, ReadOnlySpan<byte> frame);

    /// <summary>A header declared more than the protocol allows.</summary>
    void OnFrameTooLarge();

    /// <summary>More than one maximal frame arrived while frames had to wait.</summary>
    void OnOverflow();
}
