using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Protocol.NamedRandom;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// One person of PROTOCOL.md 9.4: an Ed25519 identity from the fixed seed of its name (its MLS signature key and
/// credential), and its own script of fixed random draws.
/// </summary>
internal sealed class WorkedGroupParty
{
    /// <summary>The moment every key package of the example was made: 2026-12-07T00:00:00Z.</summary>
    public const ulong Now = 1_796_601_600;

    public WorkedGroupParty(string name, List<(string Name, byte[] Value)> draws, params string[] script)
    {
        Name = name;
        Seed = Fixed($"{name} identity seed", 32);
        using var signer = new SeededSigner(Seed);
        PublicKey = signer.PublicKey;
        Digest = IdentityFingerprint.IdentityDigest(PublicKey);
        Random = new NamedRandom(draws, script);
    }

    public string Name { get; }

    public byte[] Seed { get; }

    public byte[] PublicKey { get; }

    public byte[] Digest { get; }

    public NamedRandom Random { get; }

    public (KeyPackage KeyPackage, KeyPackageSecrets Secrets) NewKeyPackage() =>
        KeyPackageFactory.Create(CipherSuite.Suite1, PublicKey, Seed, Now, Random);

    public GroupState Join(Welcome welcome, (KeyPackage KeyPackage, KeyPackageSecrets Secrets) keyPackage)
    {
        WelcomeJoin.TryJoin(CipherSuite.Suite1, welcome, keyPackage.KeyPackage, keyPackage.Secrets, null, _ => null, out GroupState? state, out string failure)
            .ShouldBeTrue($"{Name} could not join: {failure}");
        return state!;
    }

    /// <summary>Processes a relayed commit; the old state is disposed.</summary>
    public GroupState Process(GroupState state, byte[] commit)
    {
        CommitProcessor.TryProcess(state, MlsMessage.Decode(commit), _ => null, Now, out GroupState? next, out string failure)
            .ShouldBeTrue($"{Name} could not process the commit: {failure}");
        state.Dispose();
        return next!;
    }
}
