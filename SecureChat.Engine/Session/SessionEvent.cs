namespace SecureChat.Engine.Session;

/// <summary>What a <see cref="SecureSession"/> reports to its driver, in order, after each call.</summary>
internal abstract record SessionEvent;
