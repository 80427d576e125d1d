namespace Threshold.Core.Errors;

/// <summary>
/// What is wrong with one field, as a stable code ("password.common"). The web layer
/// turns the code into a localised sentence and links it to the field.
/// </summary>
public sealed record FieldProblem(string Field, string Code);
