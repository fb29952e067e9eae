using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// The group-level checks of a leaf node (RFC 9420 section 7.3) that tree validation leaves to the group: the leaf
/// supports the group's protocol version and cipher suite and every extension the GroupContext carries, its
/// credential type is supported by every other member, it supports every credential type in use, and it has every
/// capability the group's required_capabilities extension names (section 11.1). Extension types 1 to 5 and proposal
/// types 1 to 7 are defaults every client supports and need not be listed (section 7.2). Stateless and thread-safe.
/// </summary>
internal static class LeafValidation
{
    private const ushort DefaultExtensionTypeMax = 5;


    /// <summary>Whether <paramref name="leaf"/> fits a group with <paramref name="context"/> and the members of <paramref name="tree"/>.</summary>
    public static bool TryValidate(LeafNode leaf, GroupContext context, RatchetTree tree, uint? ownIndex, out string failure)
    {
        if (!TrySupportsGroup(leaf, context, out failure))
        {
            return false;
        }

        Capabilities caps = leaf.Capabilities;
        ushort credentialType = (ushort)leaf.Credential.Type;
        foreach (uint other in tree.OccupiedLeaves())
        {
            if (other == ownIndex)
            {
                continue;
            }

            LeafNode member = tree.GetLeaf(other)!;
            if (!member.Capabilities.Credentials.Contains(credentialType))
            {
                failure = $"the credential type {credentialType} of a leaf is not supported by the member at leaf {other}";
                return false;
            }

            if (!caps.Credentials.Contains((ushort)member.Credential.Type))
            {
                failure = $"a leaf does not support the credential type of the member at leaf {other}";
                return false;
            }
        }

        failure = "";
        return true;
    }

    /// <summary>
    /// Every leaf of a tree a joiner was given (section 12.4.3.1): each supports the group's version, suite and
    /// extensions, and lists every credential type in use (which also makes each type supported by every member).
    /// Linear in the tree's size.
    /// </summary>
    public static bool TryValidateAll(GroupContext context, RatchetTree tree, out string failure)
    {
        var inUse = new HashSet<ushort>();
        foreach (uint index in tree.OccupiedLeaves())
        {
            inUse.Add((ushort)tree.GetLeaf(index)!.Credential.Type);
        }

        foreach (uint index in tree.OccupiedLeaves())
        {
            LeafNode leaf = tree.GetLeaf(index)!;
            if (!TrySupportsGroup(leaf, context, out failure))
            {
                failure = $"leaf {index}: {failure}";
                return false;
            }

            foreach (ushort type in inUse)
            {
                if (!leaf.Capabilities.Credentials.Contains(type))
                {
                    failure = $"leaf {index} does not support the credential type {type}, which a member uses";
                    return false;
                }
            }
        }

        failure = "";
        return true;
    }

    /// <summary>
    /// Section 11.1, RequiredCapabilities { extension_types&lt;V&gt;; proposal_types&lt;V&gt;; credential_types&lt;V&gt; }: every
    /// member supports each (the default extension and proposal types need not be listed).
    /// </summary>
    private static bool TrySupportsRequired(Capabilities caps, byte[] data, out string failure)
    {
        RequiredCapabilities required;
        try
        {
            required = RequiredCapabilities.Decode(data);
        }
        catch (MlsFormatException e)
        {
            failure = $"the group's required_capabilities extension is malformed: {e.Message}";
            return false;
        }

        if (!required.AreMetBy(caps))
        {
            failure = "a leaf lacks a capability the group requires (extensions "
                + $"{string.Join(",", required.ExtensionTypes)}, proposals {string.Join(",", required.ProposalTypes)}, credentials {string.Join(",", required.CredentialTypes)})";
            return false;
        }

        failure = "";
        return true;
    }

    private static bool TrySupportsGroup(LeafNode leaf, GroupContext context, out string failure)
    {
        Capabilities caps = leaf.Capabilities;
        if (!caps.Versions.Contains((ushort)context.Version) || !caps.CipherSuites.Contains(context.CipherSuite))
        {
            failure = "a leaf does not support the group's protocol version and cipher suite";
            return false;
        }

        foreach (Extension extension in context.Extensions)
        {
            if ((ushort)extension.Type > DefaultExtensionTypeMax && !caps.Extensions.Contains((ushort)extension.Type))
            {
                failure = $"a leaf does not support the group's extension {(ushort)extension.Type}";
                return false;
            }
        }

        if (Messages.Extensions.Find(context.Extensions, ExtensionType.RequiredCapabilities) is { } required)
        {
            return TrySupportsRequired(caps, required.Data, out failure);
        }

        failure = "";
        return true;
    }
}
