namespace SecureChat.Engine.Mls.Framing;

/// <summary>Why a Welcome could not be opened (RFC 9420 section 12.4.3.1); one failure reason each.</summary>
internal enum WelcomeFailure
{
    None,

    /// <summary>The Welcome is for another cipher suite.</summary>
    WrongCipherSuite,

    /// <summary>No entry names the key package's reference: the Welcome is not for this client.</summary>
    NotForThisKeyPackage,

    /// <summary>The group secrets do not open under the key package's init key.</summary>
    SecretsUnreadable,

    /// <summary>The group info does not open under the welcome key.</summary>
    GroupInfoUnreadable,

    /// <summary>What opened does not parse as GroupSecrets or GroupInfo.</summary>
    Malformed,
}
