using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// A member's <see cref="GroupBook"/> with a fresh identity, recording what it sends (in order, with the sequence
/// numbers a link would give) and what it tells the user, for a test that plays the hub by hand.
/// </summary>
internal sealed class BookMember : IGroupOutbox, IDisposable
{
    private ulong _sequence = 1;

    public BookMember(string name, GroupClock clock)
        : this(name, clock, CipherSuite.Suite1.GenerateSignatureKeyPair().PrivateKey, null)
    {
    }

    /// <summary>A member with the identity <paramref name="seed"/>, keeping its groups in <paramref name="configPath"/>'s <c>groups/</c> when given.</summary>
    public BookMember(string name, GroupClock clock, byte[] seed, string? configPath)
    {
        Name = name;
        Seed = seed;
        PublicKey = CipherSuite.Suite1.SignaturePublicKeyOf(seed);
        Digest = IdentityFingerprint.IdentityDigest(PublicKey);
        Files = configPath is null ? null : new GroupFiles(ConfigDirectory.OpenPath(configPath), seed);
        Book = new GroupBook(PublicKey, seed, clock, this, Files);
        Book.Notice += Notices.Add;
        Book.TextReceived += Texts.Add;
        Book.Restore();
    }

    public byte[] Seed { get; }

    public GroupFiles? Files { get; }

    public string Name { get; }

    public byte[] PublicKey { get; }

    public byte[] Digest { get; }

    public GroupBook Book { get; }

    public List<object> Sent { get; } = [];

    public List<GroupNotice> Notices { get; } = [];

    public List<GroupTextReceived> Texts { get; } = [];

    /// <summary>Key packages this member sent that the hand-played hub has not handed out yet.</summary>
    public Queue<byte[]> KeyPackagesAtHub { get; } = [];

    /// <summary>The sequence number the next record would get.</summary>
    public ulong NextSequence => _sequence;

    public void SendKeyPackages(KeyPackagesRecord record)
    {
        Sent.Add(record);
        foreach (byte[] keyPackage in record.KeyPackages.Take(record.KeyPackages.Count - (record.LastResort ? 1 : 0)))
        {
            KeyPackagesAtHub.Enqueue(keyPackage);
        }

        _sequence++;
    }

    public void SendCommit(GroupCommitRecord record)
    {
        Sent.Add(record);
        _sequence++;
    }

    public ulong SendMessage(GroupMessageRecord record)
    {
        Sent.Add(record);
        return _sequence++;
    }

    public void RequestKeyPackage(byte[] digest)
    {
        Sent.Add(("key package", digest));
        _sequence++;
    }

    public void RequestResync(GroupTarget target)
    {
        Sent.Add(("resync", target));
        _sequence++;
    }

    /// <summary>The records of type <typeparamref name="T"/> sent since the last call, taken out of <see cref="Sent"/>.</summary>
    public List<T> Take<T>()
    {
        List<T> found = [.. Sent.OfType<T>()];
        Sent.RemoveAll(item => item is T);
        return found;
    }

    /// <summary>The one record of type <typeparamref name="T"/> sent since the last call.</summary>
    public T TakeOne<T>() => Take<T>().ShouldHaveSingleItem();

    public List<GroupNotice> NoticesOf(GroupNoticeKind kind) => [.. Notices.Where(n => n.Kind == kind)];

    public void Dispose()
    {
        Book.Dispose();
        Files?.Dispose();
    }
}
