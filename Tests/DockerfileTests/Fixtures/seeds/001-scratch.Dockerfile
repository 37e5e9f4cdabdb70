FROM scratch
ADD main /
CMD ["/main"]
