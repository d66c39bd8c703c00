// Loaded after jatopic-tokenizer.js and before the packaged user dictionary
// and model parts (jatopic-userdict.js, jatopic-model-*.js). Keeps a
// reference to each so the page can put the packaged model back after a
// failed jatopic.loadModel, which leaves no model loaded, and the packaged
// user dictionary back after it was cleared or replaced. The parts' data (functions whose comments
// hold the text) are the library files' own, so this costs no memory.
(function () {
  'use strict';
  if (typeof jatopic === 'undefined') return;
  var parts = [];
  var add = jatopic.addModelPart;
  jatopic.addModelPart = function (index, count, bytes, data) {
    parts.push([index, count, bytes, data]);
    return add.call(jatopic, index, count, bytes, data);
  };
  // The packaged user dictionary (jatopic-userdict.js), likewise, so that
  // it can be put back after the page cleared or replaced it.
  var userDictionary = null;
  var addUser = jatopic.addUserDictionary;
  jatopic.addUserDictionary = function (bytes, data) {
    userDictionary = [bytes, data];
    return addUser.call(jatopic, bytes, data);
  };
  window.jatopicPackagedUserDictionary = {
    available: function () { return userDictionary !== null; },
    // Registers it again: attached on the next call.
    restore: function () { addUser.apply(jatopic, userDictionary); },
  };
  window.jatopicPackagedModel = {
    available: function () { return parts.length > 0; },
    // Registers the packaged parts again (loadModel dropped them).
    restore: function () {
      for (var i = 0; i < parts.length; i++) add.apply(jatopic, parts[i]);
    },
  };
})();
