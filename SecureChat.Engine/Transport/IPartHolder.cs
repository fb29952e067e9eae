namespace SecureChat.Engine.Transport;

/// <summary>A link whose pending Parts count against the hub's <see cref="PartBudget"/>, and which the budget may close.</summary>
internal interface IPartHolder
{
    /// <summary>Ends the link because its pending Parts held the hub's bound stalled (PROTOCOL.md 4.1.1); what it held is discarded with it.</summary>
    void DropForParts(string detail);
}
