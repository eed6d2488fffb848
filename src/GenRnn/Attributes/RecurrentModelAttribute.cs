namespace GenRnn;

/// <summary>
/// Marks a <c>partial</c> class as a recurrent model. The GenRnn source generator reads the layer attributes
/// (<see cref="EmbeddingAttribute"/>, <see cref="RnnAttribute"/>, <see cref="LstmAttribute"/>, <see cref="GruAttribute"/>,
/// <see cref="DenseAttribute"/>) in declaration order and writes the model's forward and backward code with every size a constant.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RecurrentModelAttribute : Attribute
{
}
