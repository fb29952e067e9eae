namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>Tests that load the machine (floods, hundreds of clients) run alone so timings elsewhere stay sane.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyCollection
{
    public const string Name = "Heavy: load and flood tests run alone";
}
