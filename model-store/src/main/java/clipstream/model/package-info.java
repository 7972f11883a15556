/** The model zoo, training and evaluation, the versioned model store and the ClipClassifier runtime on DJL TensorFlow. */
package clipstream.model;
