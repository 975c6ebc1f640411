'use strict';
// Back-office corrections for WCAG 2.1 AA (axe-core: aria-input-field-name, label).
// Django's autocomplete fields (select2) name their combobox after the selected value,
// which is empty until something is chosen, and leave the search field of multiple
// selects without any name. Point both at the field's own <label>, whenever select2
// draws a widget (on page load and for inline rows added later).
(function() {
    function nameAutocomplete(container) {
        const select = container.previousElementSibling;
        if (!select || !select.id || !select.classList.contains('admin-autocomplete')) {
            return;
        }
        const label = document.querySelector('label[for="' + select.id + '"]');
        if (!label) {
            return;
        }
        if (!label.id) {
            label.id = select.id + '-label';
        }
        container.querySelectorAll(
            '[role="combobox"], .select2-selection__rendered, .select2-search__field'
        ).forEach(function(element) {
            if (element.getAttribute('aria-labelledby') !== label.id) {
                element.setAttribute('aria-labelledby', label.id);
            }
        });
    }

    function nameAll(root) {
        root.querySelectorAll('span.select2').forEach(nameAutocomplete);
    }

    new MutationObserver(function(mutations) {
        mutations.forEach(function(mutation) {
            mutation.addedNodes.forEach(function(node) {
                if (node.nodeType !== Node.ELEMENT_NODE) {
                    return;
                }
                const container = node.closest('span.select2');
                if (container) {
                    nameAutocomplete(container);
                } else {
                    nameAll(node);
                }
            });
        });
    }).observe(document.documentElement, {childList: true, subtree: true});

    document.addEventListener('DOMContentLoaded', function() {
        nameAll(document);
    });
})();
