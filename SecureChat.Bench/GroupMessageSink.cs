using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;

namespace SecureChat.Bench;

/// <summary>The hub end of an in-memory session pair: counts the GroupMessages its link parses and keeps nothing.</summary>
internal sealed class GroupMessageSink : IHubGroupRecords
{
    public long Messages { get; private set; }

    public void KeyPackagesReceived(KeyPackagesRecord record)
    {
    }

    public void GroupCommitReceived(GroupCommitRecord record)
    {
    }

    public void GroupMessageReceived(GroupMessageRecord record) => Messages++;
}
