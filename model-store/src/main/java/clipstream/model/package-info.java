/** The model zoo, training and evaluation, TF.js import and the ClipClassifier runtime on DJL TensorFlow; the store itself is read through model-manifest. */
package clipstream.model;
