using System.Security.Cryptography;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>A person who is not registered yet: unique email and username, a password the policy accepts.</summary>
public sealed record TestUser(string Email, string Username, string Password)
{
    public static TestUser New()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        return new($"person.{id}@example.test", $"Person_{id}", $"Quiet harbor lantern {id[..4]}");
    }

    public static string UniqueEmail() => $"someone.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}@example.test";
    public static string UniqueUsername() => $"Someone_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";
}
