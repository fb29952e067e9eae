namespace SecureChat.Engine.Hub;

/// <summary>What became of a member's request: handled (answered or refused with a Reply), or the session must end.</summary>
internal enum RequestOutcome
{
    Handled,

    /// <summary>Far more requests than anyone types: a program flooding the hub; the link is failed.</summary>
    Flood,

    /// <summary>A request no v3 peer sends (a mode other than <c>+i</c> or <c>-i</c>); the link is failed.</summary>
    Violation,
}
