namespace SecureChat.Bench;

/// <summary>
/// What <see cref="MlsGroupBench"/> measured on one group: CPU times per operation (one sample a run) and the size
/// in bytes of each message as encoded on the wire (an MLSMessage). Not thread-safe.
/// </summary>
internal sealed class MlsBenchResult
{
    public int Members { get; init; }

    /// <summary>The creator's commit adding every other member, with its Welcome, and the second member's join from it.</summary>
    public double BuildMs { get; set; }

    public double BuildJoinMs { get; set; }

    public int BuildWelcomeBytes { get; set; }

    public Samples SendUs { get; } = new();

    public Samples ReceiveUs { get; } = new();

    public Samples AddCommitMs { get; } = new();

    public Samples AddProcessMs { get; } = new();

    public Samples JoinMs { get; } = new();

    public Samples UpdateCommitMs { get; } = new();

    public Samples UpdateProcessMs { get; } = new();

    public Samples RemoveCommitMs { get; } = new();

    public Samples RemoveProcessMs { get; } = new();

    /// <summary>Floor: one Ed25519 SignWithLabel (every handshake and application message carries one).</summary>
    public Samples SignUs { get; } = new();

    /// <summary>Floor: one EncryptWithLabel, an HPKE seal to an X25519 key (an UpdatePath holds one per node of the resolutions).</summary>
    public Samples HpkeSealUs { get; } = new();

    public int PrivateMessageBytes { get; set; }

    public int KeyPackageBytes { get; set; }

    public int AddCommitBytes { get; set; }

    public int WelcomeBytes { get; set; }

    public int UpdateCommitBytes { get; set; }

    /// <summary>The HPKE ciphertexts of the Update's path: one per node of the resolutions of the committer's copath.</summary>
    public int UpdateSeals { get; set; }

    public int RemoveCommitBytes { get; set; }
}
